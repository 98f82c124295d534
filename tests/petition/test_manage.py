"""The signer's own controls, from the link in every email: withdraw, hide, unsubscribe, export."""

import json
import re
import time

import pytest
from django.core import mail, signing
from django.urls import reverse

from petition.models import Organisation, Signature, Signer

from .test_signing import links_in, sign, sign_as_organisation


@pytest.fixture
def confirmed(client, petition, django_capture_on_commit_callbacks):
    """A confirmed signature with a public name who asked for news; returns its manage path."""
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, petition, show_name="on", keep_informed="on")
    confirm_path, _not_me, manage_path = links_in(mail.outbox[-1])
    client.post(confirm_path)
    Signature.objects.update(featured=True)
    return manage_path


def test_every_email_to_a_signer_has_the_manage_link_and_one_click_unsubscribe(
    client, confirmed, petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, petition)  # again: the "already signed" email
    for message in mail.outbox:
        assert re.search(r"http://testserver/en/manage/\S+/", message.body)
        assert "/manage/" in message.alternatives[0][0]
        unsubscribe = re.fullmatch(
            r"<(http://testserver/en/unsubscribe/\S+/)>", message.extra_headers["List-Unsubscribe"]
        )
        assert unsubscribe
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.message()["List-Unsubscribe"] == message.extra_headers["List-Unsubscribe"]


def test_the_manage_page_shows_the_signature_and_is_never_cached(client, confirmed):
    response = client.get(confirmed)
    assert response.status_code == 200
    assert "Amara Okonkwo-Lind" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_hide_and_show_my_name(client, confirmed, petition):
    response = client.post(confirmed, {"change": "hide_name"})
    assert response.status_code == 200
    signature = Signature.objects.get()
    assert signature.show_name is False
    assert signature.featured is False  # never prominent without consent
    assert petition.compute_counts()["total"] == 1  # still counted
    client.post(confirmed, {"change": "show_name"})
    assert Signature.objects.get().show_name is True


def test_unsubscribe_from_the_page(client, confirmed):
    client.post(confirmed, {"change": "unsubscribe"})
    assert Signature.objects.get().keep_informed is False


def test_one_click_unsubscribe_works_without_a_csrf_token(confirmed):
    from django.test import Client

    message = mail.outbox[0]
    url = message.extra_headers["List-Unsubscribe"].strip("<>").replace("http://testserver", "")
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(url).status_code == 200
    assert Signature.objects.get().keep_informed is True  # GET changes nothing
    response = strict.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Signature.objects.get().keep_informed is False


def test_withdraw_needs_a_tick_then_deletes_and_corrects_the_count(client, confirmed, petition):
    response = client.post(confirmed, {"change": "withdraw"})
    assert response.status_code == 200
    assert "Tick the box to confirm." in response.content.decode()
    assert Signature.objects.count() == 1
    response = client.post(confirmed, {"change": "withdraw", "sure": "yes"})
    assert "withdrawn" in response.content.decode()
    assert not Signature.objects.exists()
    assert petition.compute_counts()["total"] == 0
    assert client.get(confirmed).status_code == 404


def test_download_my_data(client, confirmed):
    response = client.get(confirmed + "data.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["full_name"] == "Amara Okonkwo-Lind"
    assert data["email"] == "amara@example.org"
    assert data["status"] == Signer.Status.CONFIRMED
    assert data["consent_version"] == "2026-11-28"
    assert "127.0.0.1" not in response.content.decode()


def test_unknown_changes_are_refused(client, confirmed):
    assert client.post(confirmed, {"change": "approve"}).status_code == 400
    assert Signature.objects.get().status == Signer.Status.CONFIRMED


def test_manage_links_are_bound_to_their_purpose_and_expire(
    client, confirmed, monkeypatch, settings
):
    confirm_token = links_in(mail.outbox[0])[0].split("/")[2]
    assert client.get(reverse("petition:manage", args=[confirm_token])).status_code == 404
    later = time.time() + (settings.MANAGE_LINK_MAX_AGE_DAYS + 1) * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(confirmed).status_code == 404


def test_an_organisation_can_withdraw_but_has_no_name_switch(
    client, petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_as_organisation(client, petition)
    manage_path = links_in(mail.outbox[-1])[2]
    page = client.get(manage_path).content.decode()
    assert "Hide my name" not in page
    assert client.post(manage_path, {"change": "hide_name"}).status_code == 400
    data = json.loads(client.get(manage_path + "data.json").content)
    assert data["contact_name"] == "Private Contact Person"
    client.post(manage_path, {"change": "withdraw", "sure": "yes"})
    assert not Organisation.objects.exists()
