"""The admin's switches (pause, under attack), harvesting limits, and who may change them."""

import hashlib
import itertools
import re
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaign.models import Action
from petition.models import BlockRule, Protection, Signature, Signer, UsedChallenge
from petition.protection.proof_of_work import leading_zero_bits, new_challenge
from petition.retention import apply_retention
from tests.admin_login import login_verified
from tests.campaign.action_factories import report_data
from tests.security.test_abuse_support import (
    fetch_challenge,
    protected,
    set_protection,
    sign,
    solve,
)

__all__ = ["protected"]  # the fixture, used by name

PROOF_REFUSED = "security check"


# Pause ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_paused_signing_shows_a_notice_instead_of_the_form(client, petition, protected):
    set_protection(signing_paused=True)
    response = client.get(petition.get_absolute_url())
    assert response.status_code == 200
    assert "Signing is paused" in response.content.decode()
    assert 'id="sign-form"' not in response.content.decode()


@pytest.mark.django_db
def test_signing_while_paused_keeps_what_was_typed(client, petition, protected):
    set_protection(signing_paused=True)
    response = sign(client, petition, full_name="Paused Person", city="Napoli")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Signing is paused for a short while" in html
    assert 'value="Paused Person"' in html and 'value="Napoli"' in html
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_organisations_signing_while_paused_keeps_what_was_typed(client, petition, protected):
    set_protection(signing_paused=True)
    data = {
        "name": "Example Dockers Union",
        "kind": "union",
        "country": "BR",
        "contact_name": "Contact",
        "email": "union@example.org",
        "consent_processing": "on",
    }
    response = client.post(reverse("petition:sign_organisation", args=[petition.slug]), data)
    assert response.status_code == 200
    assert "Signing is paused for a short while" in response.content.decode()
    assert 'value="Example Dockers Union"' in response.content.decode()
    assert not petition.organisations.exists()


# Under attack: proof of work --------------------------------------------------------------------


@pytest.fixture
def under_attack(protected, settings):
    settings.PROOF_OF_WORK_BITS = 6
    set_protection(under_attack=True)


@pytest.mark.django_db
def test_the_form_carries_a_challenge_and_explains_javascript_is_needed(
    client, petition, under_attack
):
    response = client.get(petition.get_absolute_url())
    html = response.content.decode()
    assert 'name="proof_challenge" value=""' in html  # fetched by the script, never cached
    assert 'data-challenge-url="/en/proof-of-work/challenge.json"' in html
    assert "<noscript>" in html and "JavaScript" in html
    assert "/static/js/proof-of-work.js" in html


@pytest.mark.django_db
def test_each_visitor_fetches_a_fresh_uncached_challenge(client, under_attack):
    first, second = (client.get(reverse("petition:challenge")) for _ in range(2))
    assert first.json()["challenge"] != second.json()["challenge"]
    assert "no-store" in first["Cache-Control"]


@pytest.mark.django_db
def test_no_challenge_when_not_under_attack(client, petition, protected):
    assert 'name="proof_challenge"' not in client.get(petition.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_valid_solution_is_accepted(client, petition, under_attack):
    challenge = fetch_challenge(client)
    response = sign(client, petition, proof_challenge=challenge, proof_solution=solve(challenge))
    assert response.status_code == 302
    assert Signature.objects.get().status == Signer.Status.PENDING
    assert UsedChallenge.objects.get().key == challenge.split(".")[0]


def wrong_solution(challenge):
    """A number that does not solve the puzzle."""
    salt, _expires, bits, _signature = challenge.split(".")
    for n in itertools.count():
        if leading_zero_bits(hashlib.sha256(f"{salt}{n}".encode()).digest()) < int(bits):
            return str(n)
    return None  # pragma: no cover


def answered(challenge, solver):
    return {"proof_challenge": challenge, "proof_solution": solver(challenge)}


def expired_challenge():
    return new_challenge(now=time.time() - 2 * 3600)


def forged_challenge():
    salt, expires, _bits, signature = new_challenge().split(".")
    return f"{salt}.{expires}.1.{signature}"  # easier puzzle, same signature


@pytest.mark.django_db
@pytest.mark.parametrize(
    "proof",
    [
        lambda: {},
        lambda: {"proof_challenge": new_challenge()},
        lambda: answered(new_challenge(), wrong_solution),
        lambda: answered(expired_challenge(), solve),
        lambda: answered(forged_challenge(), solve),
    ],
    ids=["missing", "unsolved", "wrong", "expired", "forged"],
)
def test_a_missing_or_wrong_solution_is_refused_with_a_message(
    client, petition, under_attack, proof
):
    response = sign(client, petition, full_name="Careful Person", **proof())
    assert response.status_code == 200
    html = response.content.decode()
    assert PROOF_REFUSED in html
    assert 'value="Careful Person"' in html  # what was typed is kept
    assert 'data-challenge-url="/en/proof-of-work/challenge.json"' in html  # to try again
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_a_replayed_solution_is_refused(client, petition, under_attack):
    challenge = new_challenge()
    proof = {"proof_challenge": challenge, "proof_solution": solve(challenge)}
    assert sign(client, petition, **proof).status_code == 302
    replay = sign(client, petition, full_name="Replayer", **proof)
    assert replay.status_code == 200
    assert "already used" in replay.content.decode()
    assert Signature.objects.count() == 1


# serialized_rollback: the flush after a transactional test must not lose the Moderators group.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_concurrent_replay_succeeds_exactly_once(petition, settings):
    settings.PROOF_OF_WORK_BITS = 6
    set_protection(under_attack=True, burst_limit=100, min_fill_seconds=0)
    challenge = new_challenge()
    proof = {"proof_challenge": challenge, "proof_solution": solve(challenge)}
    start = threading.Barrier(4)
    statuses = []

    def submit(n):
        try:
            start.wait()
            response = sign(Client(), petition, ip=f"198.51.100.{n}", **proof)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 302]
    assert Signature.objects.count() == 1
    assert UsedChallenge.objects.count() == 1


@pytest.mark.django_db
def test_retention_purges_expired_challenges(petition):
    UsedChallenge.objects.create(key="old", expires_at=timezone.now() - timedelta(minutes=1))
    UsedChallenge.objects.create(key="live", expires_at=timezone.now() + timedelta(minutes=5))
    report = apply_retention()
    assert report.challenges_purged == 1
    assert list(UsedChallenge.objects.values_list("key", flat=True)) == ["live"]


# Harvesting -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["petition:signatures", "petition:organisations"])
def test_signatory_lists_are_rate_limited_per_network(client, petition, settings, name):
    settings.SIGNATORY_LIST_RATE_LIMIT = 3
    url = reverse(name, args=[petition.slug])
    for _ in range(3):
        assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200
    assert client.get(url, REMOTE_ADDR="198.51.100.8").status_code == 200  # IPv4: per address
    refused = client.get(url, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.content.decode()
    assert client.get(url, REMOTE_ADDR="203.0.113.1").status_code == 200


@pytest.mark.django_db
def test_one_ipv6_64_shares_the_list_limit(client, petition, settings):
    settings.SIGNATORY_LIST_RATE_LIMIT = 2
    url = reverse("petition:signatures", args=[petition.slug])
    for ip in ("2001:db8:1:2::1", "2001:db8:1:2::2"):
        assert client.get(url, REMOTE_ADDR=ip).status_code == 200
    assert client.get(url, REMOTE_ADDR="2001:db8:1:2::3").status_code == 429


@pytest.mark.django_db
def test_the_page_size_is_fixed_and_urls_carry_no_ids(client, petition, make_signature):
    for _ in range(55):
        make_signature(petition)
    url = reverse("petition:signatures", args=[petition.slug])
    response = client.get(url, {"per_page": 1000, "page_size": 1000, "limit": 1000})
    assert len(response.context["page"].object_list) == 50
    # Page numbers aside ("?page=2&after=<uuid>"), no number in a link may be a row's id.
    html = re.sub(r"page=\d+", "page=N", response.content.decode())
    for signature in Signature.objects.all():
        assert f"/{signature.pk}/" not in html and f"={signature.pk}&" not in html


@pytest.mark.django_db
def test_reporting_actions_is_rate_limited_per_network(client, settings):
    settings.REPORT_ACTION_RATE_LIMIT = 2
    url = reverse("campaign:report_action")
    for n in range(2):
        response = client.post(url, report_data(title=f"Picket {n}"), REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 302
    refused = client.post(url, report_data(title="Picket 3"), REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200  # reading is fine
    other = client.post(url, report_data(title="Elsewhere"), REMOTE_ADDR="203.0.113.1")
    assert other.status_code == 302
    assert Action.objects.count() == 3


# The admin: superusers only ---------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "a-long-test-password")


def protection_form(**changes):
    data = {
        "signing_paused": "",
        "under_attack": "",
        "burst_limit": 5,
        "sustained_limit": 40,
        "min_fill_seconds": 3,
        "network_alert": 100,
        "domain_alert": 300,
    }
    return {key: value for key, value in (data | changes).items() if value != ""}


@pytest.mark.django_db
def test_a_moderator_cannot_change_or_see_the_protection(client, moderator):
    Protection.objects.get_or_create(pk=1)
    login_verified(client, moderator)
    change = reverse("admin:petition_protection_change", args=[1])
    assert client.get(change).status_code == 403
    assert client.post(change, protection_form(signing_paused="on")).status_code == 403
    assert client.get(reverse("admin:petition_blockrule_add")).status_code == 403
    assert Protection.objects.get().signing_paused is False


@pytest.mark.django_db
def test_reading_the_protection_never_writes(django_assert_num_queries):
    Protection.objects.all().delete()  # a database flushed by hand: the defaults apply
    with django_assert_num_queries(1):
        assert Protection.current().burst_limit == 5
    assert not Protection.objects.exists()


@pytest.mark.django_db
def test_the_protection_changelist_goes_to_the_one_row(client, superuser):
    login_verified(client, superuser)
    response = client.get(reverse("admin:petition_protection_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:petition_protection_change", args=[1])
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("admin:petition_protection_add")).status_code == 403
    assert client.get(reverse("admin:petition_protection_delete", args=[1])).status_code == 403


@pytest.mark.django_db
def test_saving_the_protection_takes_effect_at_once(client, superuser, petition):
    Protection.objects.get_or_create(pk=1)
    assert Protection.current().signing_paused is False  # now cached
    login_verified(client, superuser)
    change = reverse("admin:petition_protection_change", args=[1])
    response = client.post(change, protection_form(signing_paused="on"))
    assert response.status_code == 302
    assert Protection.current().signing_paused is True
    assert "Signing is paused" in client.get(petition.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_block_rules_are_validated_and_take_effect_at_once(client, superuser):
    assert BlockRule.objects.cached() == []
    login_verified(client, superuser)
    add = reverse("admin:petition_blockrule_add")
    data = {"kind": "network", "value": "not-a-network", "effect": "block", "note": ""}
    response = client.post(add, data)
    assert response.status_code == 200
    assert "Enter an IP address or a network like 203.0.113.0/24." in response.content.decode()
    response = client.post(add, data | {"value": "203.0.113.5/24"})
    assert response.status_code == 302
    assert [rule.value for rule in BlockRule.objects.cached()] == ["203.0.113.0/24"]
    listed = client.get(reverse("admin:petition_blockrule_changelist"), {"q": "203.0.113"})
    assert "203.0.113.0/24" in listed.content.decode()
    cache.clear()
