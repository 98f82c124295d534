import re
import threading
import time

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.urls import reverse

from lib.ip import ip_hash
from petition.models import Organisation, Petition, Signature, Signer

VALID = {
    "full_name": "Amara Okonkwo-Lind",
    "email": "amara@example.org",
    "country": "IT",
    "city": "Torino",
    "organisation": "Example Teachers' Union",
    "role": "Branch Secretary",
    "comment": "Free them now.",
    "consent_processing": "on",
}


def sign(client, petition, **changes):
    data = {key: value for key, value in (VALID | changes).items() if value is not None}
    return client.post(reverse("petition:sign", args=[petition.slug]), data)


def links_in(message):
    return re.findall(r"http://testserver(/\S+/)", message.body)


@pytest.fixture
def signed(client, petition, django_capture_on_commit_callbacks):
    """Sign once; return (response, signature, email)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = sign(client, petition)
    return response, Signature.objects.get(), mail.outbox[-1]


def test_signing_stores_a_pending_signature_and_emails_the_link(signed, petition):
    response, signature, message = signed
    assert response.status_code == 302
    assert response["Location"] == reverse("petition:check_email", args=[petition.slug])
    assert signature.status == Signer.Status.PENDING
    assert signature.full_name == "Amara Okonkwo-Lind"
    assert signature.role == "Branch Secretary"
    assert signature.show_name is False and signature.keep_informed is False
    assert signature.consent_version == "2026-11-28"
    assert signature.consented_at is not None
    assert petition.compute_counts()["total"] == 0  # not counted before confirmation

    assert message.to == ["amara@example.org"]
    assert petition.title in message.subject
    confirm_path, not_me_path, manage_path = links_in(message)
    assert manage_path.startswith("/en/manage/")
    assert confirm_path.startswith("/en/confirm/")
    assert not_me_path.startswith("/en/not-me/")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f"http://testserver{confirm_path}" in html


def test_check_email_page_says_what_to_do(client, signed):
    response = client.get(signed[0]["Location"])
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()


def test_optional_consents_are_stored_when_ticked(client, petition):
    sign(client, petition, show_name="on", keep_informed="on")
    signature = Signature.objects.get()
    assert signature.show_name is True
    assert signature.keep_informed is True


def test_get_on_the_confirm_link_does_not_confirm(client, signed, petition):
    confirm_path = links_in(signed[2])[0]
    response = client.get(confirm_path)
    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert Signature.objects.get().status == Signer.Status.PENDING


def test_post_on_the_confirm_link_confirms_and_counts(client, signed, petition):
    confirm_path = links_in(signed[2])[0]
    response = client.post(confirm_path)
    assert response.status_code == 200
    assert "your signature is confirmed" in response.content.decode()
    assert Signature.objects.get().status == Signer.Status.CONFIRMED
    assert petition.compute_counts()["by_country"] == {"IT": 1}
    # A second click changes nothing.
    client.post(confirm_path)
    assert petition.compute_counts()["total"] == 1


def test_confirm_link_expires(client, signed, monkeypatch, settings):
    confirm_path = links_in(signed[2])[0]
    later = time.time() + (settings.CONFIRMATION_MAX_AGE_DAYS + 1) * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(confirm_path)
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert Signature.objects.get().status == Signer.Status.PENDING


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "x"]
)
def test_tampered_tokens_are_refused(client, signed, mangle):
    token = links_in(signed[2])[0].split("/")[2]
    response = client.post(reverse("petition:confirm", args=[mangle(token)]))
    assert response.status_code == 404
    assert Signature.objects.get().status == Signer.Status.PENDING


def test_a_not_me_token_cannot_confirm(client, signed):
    not_me_token = links_in(signed[2])[1].split("/")[2]
    response = client.post(reverse("petition:confirm", args=[not_me_token]))
    assert response.status_code == 404
    assert Signature.objects.get().status == Signer.Status.PENDING


def test_confirming_after_the_petition_closed_does_not_count(client, signed, petition):
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)
    response = client.post(links_in(signed[2])[0])
    assert response.status_code == 410
    assert Signature.objects.get().status == Signer.Status.PENDING
    assert petition.compute_counts()["total"] == 0


def test_i_did_not_sign_deletes_the_pending_signature(client, signed):
    not_me_path = links_in(signed[2])[1]
    assert client.get(not_me_path).status_code == 200
    assert Signature.objects.count() == 1  # GET changes nothing
    response = client.post(not_me_path)
    assert response.status_code == 200
    assert not Signature.objects.exists()
    assert client.post(not_me_path).status_code == 404


def test_i_did_not_sign_cannot_remove_a_confirmed_signature(client, signed, petition):
    confirm_path, not_me_path, _manage_path = links_in(signed[2])
    client.post(confirm_path)
    response = client.post(not_me_path)
    assert response.status_code == 409
    assert Signature.objects.get().status == Signer.Status.CONFIRMED
    assert petition.compute_counts()["total"] == 1


def test_ip_is_stored_only_as_a_keyed_hash(client, petition):
    sign(client, petition, email="ip@example.org")
    signature = Signature.objects.get()
    assert signature.ip_hash == ip_hash("127.0.0.1")
    assert len(signature.ip_hash) == 32
    stored = " ".join(str(value) for value in Signature.objects.values().get().values())
    assert "127.0.0.1" not in stored


def test_ipv6_addresses_are_keyed_by_their_64_network():
    assert ip_hash("2001:db8:1:2::1") == ip_hash("2001:db8:1:2:ffff::9")
    assert ip_hash("2001:db8:1:2::1") != ip_hash("2001:db8:1:3::1")
    assert ip_hash("::ffff:192.0.2.1") == ip_hash("192.0.2.1")
    assert ip_hash("not an ip") == ""


def test_get_on_the_sign_url_goes_to_the_form(client, petition):
    response = client.get(reverse("petition:sign", args=[petition.slug]))
    assert response.status_code == 302
    assert response["Location"].endswith("#sign")


def test_a_draft_petition_cannot_be_signed(client, make_petition):
    draft = make_petition(status=Petition.Status.DRAFT)
    assert sign(client, draft).status_code == 404
    assert not Signature.objects.exists()


def test_a_closed_petition_keeps_the_typed_values_and_stores_nothing(client, make_petition):
    closed = make_petition(status=Petition.Status.CLOSED)
    response = sign(client, closed)
    assert response.status_code == 200
    assert "not accepting signatures" in response.content.decode()
    assert not Signature.objects.exists()
    assert mail.outbox == []


# Organisations


ORGANISATION = {
    "name": "Example Dockworkers' Union, Port Branch",
    "kind": "union",
    "country": "BR",
    "website": "https://union.example.org",
    "statement": "We stand with the detained organisers.",
    "contact_name": "Private Contact Person",
    "email": "branch.secretary@example.org",
    "consent_processing": "on",
}


def sign_as_organisation(client, petition, **changes):
    data = {key: value for key, value in (ORGANISATION | changes).items() if value is not None}
    return client.post(reverse("petition:sign_organisation", args=[petition.slug]), data)


def test_organisation_signs_confirms_and_waits_for_approval(
    client, petition, django_capture_on_commit_callbacks
):
    page = client.get(reverse("petition:sign_organisation", args=[petition.slug]))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_as_organisation(client, petition)
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.status == Signer.Status.PENDING
    message = mail.outbox[-1]
    assert message.to == ["branch.secretary@example.org"]
    assert "Example Dockworkers" in message.subject
    response = client.post(links_in(message)[0])
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.status == Signer.Status.CONFIRMED
    assert petition.compute_counts()["organisations"] == 0  # shown and counted once approved
    Organisation.objects.filter(pk=organisation.pk).change_status(Signer.Status.APPROVED)
    assert petition.compute_counts()["organisations"] == 1
    assert petition.compute_counts()["total"] == 0  # counted apart from individuals


def test_an_organisation_signs_once_whoever_submits(
    client, petition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_as_organisation(client, petition)
        second = sign_as_organisation(
            client,
            petition,
            name="EXAMPLE DOCKWORKERS' UNION, PORT BRANCH",
            email="other@example.net",
        )
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Organisation.objects.count() == 1
    notice = mail.outbox[-1]
    assert notice.to == ["other@example.net"]
    assert "already signed" in notice.subject
    assert "branch.secretary@example.org" not in notice.body
    assert "Private Contact Person" not in notice.body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "=HYPERLINK(1)"),
        ("contact_name", ""),
        ("email", "nope"),
        ("website", "javascript:alert(1)"),
        ("website", "ftp://example.org"),
        ("kind", "army"),
        ("country", "XX"),
        ("statement", "x" * 1001),
        ("consent_processing", None),
    ],
)
def test_organisation_bad_input_is_refused_next_to_the_field(client, petition, field, value):
    response = sign_as_organisation(client, petition, **{field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert f'id="id_{field}"' in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert not Organisation.objects.exists()
    assert mail.outbox == []


# Duplicates


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("amara@example.org", "AMARA@Example.ORG"),
        ("amara.okonkwo@gmail.com", "amaraokonkwo+petition@googlemail.com"),
        ("amara@outlook.com", "amara+news@outlook.com"),
        ("amara@yahoo.com", "amara-petition@yahoo.com"),
    ],
)
def test_one_signature_per_canonical_email(
    client, petition, first, again, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        one = sign(client, petition, email=first)
        two = sign(client, petition, email=again, full_name="Someone Else")
    assert Signature.objects.count() == 1
    assert Signature.objects.get().full_name == "Amara Okonkwo-Lind"
    # The browser cannot tell a second signature from a first one.
    assert (one.status_code, one["Location"]) == (two.status_code, two["Location"])
    # The owner of the address gets the confirmation link again.
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == [first]
    assert "confirm" in mail.outbox[1].subject.lower()


def test_signing_again_after_confirming_sends_already_signed(
    client, signed, petition, django_capture_on_commit_callbacks
):
    client.post(links_in(signed[2])[0])
    with django_capture_on_commit_callbacks(execute=True):
        again = sign(client, petition)
    assert again["Location"] == signed[0]["Location"]
    assert "already signed" in mail.outbox[-1].subject
    assert "/confirm/" not in mail.outbox[-1].body
    assert petition.compute_counts()["total"] == 1


def test_emails_per_signature_are_capped(
    client, petition, settings, django_capture_on_commit_callbacks
):
    settings.EMAILS_PER_SIGNATURE = 3
    with django_capture_on_commit_callbacks(execute=True):
        responses = [sign(client, petition) for _ in range(6)]
    assert {response["Location"] for response in responses} == {responses[0]["Location"]}
    assert len(mail.outbox) == 3
    assert Signature.objects.get().emails_sent == 3


def test_the_same_email_can_sign_another_petition(client, petition, make_petition):
    other = make_petition()
    sign(client, petition)
    sign(client, other)
    assert Signature.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_simultaneous_identical_posts_store_one_signature(petition):
    barrier = threading.Barrier(10)
    responses = []

    def post():
        client = Client()
        barrier.wait()
        try:
            responses.append(sign(client, petition, email="race@example.org"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [response.status_code for response in responses] == [302] * 10
    assert Signature.objects.filter(email_canonical="race@example.org").count() == 1


def test_client_ip_behind_a_trusted_proxy(rf, settings):
    from lib.ip import client_ip

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    forwarded = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(forwarded) == "203.0.113.9"  # the left entry is the client's own claim
    direct = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(direct) == "198.51.100.7"  # an untrusted peer cannot choose its address
    settings.TRUSTED_PROXIES = []
    assert client_ip(forwarded) == "127.0.0.1"
