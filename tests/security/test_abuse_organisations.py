"""Organisations sign through the same traps as people, and suspected signers cannot tell."""

import json

import pytest
from django.urls import reverse

from petition.models import Signature, Signer
from tests.security.test_abuse_support import (
    fetch_challenge,
    protected,
    set_protection,
    sign,
    solve,
    started,
)

__all__ = ["protected"]  # the fixture, used by name

Status = Signer.Status
pytestmark = pytest.mark.django_db


def organisation(**changes):
    data = {
        "name": "Example Dockers Union",
        "kind": "union",
        "country": "BR",
        "contact_name": "Contact Person",
        "email": "union@example.org",
        "consent_processing": "on",
        "started": started(),
    }
    return {key: value for key, value in (data | changes).items() if value is not None}


def sign_as_organisation(client, petition, **changes):
    url = reverse("petition:sign_organisation", args=[petition.slug])
    return client.post(url, organisation(**changes), REMOTE_ADDR="198.51.100.9")


def test_an_organisation_filling_the_form_like_a_person_is_pending(client, petition, protected):
    response = sign_as_organisation(client, petition)
    assert response.status_code == 302
    assert petition.organisations.get().status == Status.PENDING


def test_the_organisation_form_carries_the_traps(client, petition, protected):
    html = client.get(reverse("petition:sign_organisation", args=[petition.slug])).content.decode()
    assert 'name="started"' in html
    trap = html[html.index('name="homepage"') - 300 : html.index('name="homepage"')]
    assert '<div class="d-none" aria-hidden="true">' in trap


@pytest.mark.parametrize(
    "changes",
    [
        lambda: {"homepage": "http://spam.example"},
        lambda: {"started": None},
        lambda: {"started": started(0)},
    ],
    ids=["honeypot", "untimed", "too-fast"],
)
def test_organisation_bots_are_flagged_silently(client, petition, protected, changes):
    response = sign_as_organisation(client, petition, **changes())
    assert response.status_code == 302
    assert petition.organisations.get().status == Status.SUSPECTED


def test_under_attack_an_organisation_needs_the_proof_of_work(
    client, petition, protected, settings
):
    settings.PROOF_OF_WORK_BITS = 6
    set_protection(under_attack=True)
    refused = sign_as_organisation(client, petition)
    assert refused.status_code == 200
    assert "security check" in refused.content.decode()
    assert 'value="Example Dockers Union"' in refused.content.decode()
    assert not petition.organisations.exists()

    challenge = fetch_challenge(client)
    accepted = sign_as_organisation(
        client, petition, proof_challenge=challenge, proof_solution=solve(challenge)
    )
    assert accepted.status_code == 302
    assert petition.organisations.get().status == Status.PENDING


def test_the_manage_page_and_data_download_do_not_reveal_suspicion(client, petition, protected):
    set_protection(burst_limit=0)
    sign(client, petition)
    signature = Signature.objects.get()
    assert signature.status == Status.SUSPECTED
    token = signature.make_token("manage")

    page = client.get(reverse("petition:manage", args=[token])).content.decode()
    assert "suspect" not in page.lower()
    data = json.loads(client.get(reverse("petition:manage_data", args=[token])).content)
    assert data["status"] == Status.PENDING
    assert "suspicion" not in json.dumps(data)

    # Hiding the name through the manage page keeps the signature suspected.
    client.post(reverse("petition:manage", args=[token]), {"change": "hide_name"})
    signature.refresh_from_db()
    assert signature.status == Status.SUSPECTED and not signature.show_name
