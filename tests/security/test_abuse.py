"""Signing abuse: over a limit, blocked or caught by a bot trap, a signature is flagged silently.

The sender sees exactly what an honest signer sees (same response, same page, same email), the
signature never counts, and a moderator can release it.
"""

import re
import time
from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from petition.forms import SignatureForm
from petition.models import BlockRule, Signature, Signer
from petition.protection.verdict import assess, describe_reasons
from tests.admin_login import login_verified
from tests.security.test_abuse_support import person, protected, set_protection, sign, started

pytestmark = pytest.mark.django_db
__all__ = ["protected"]  # the fixture, used by name

Status = Signer.Status


def links_in(message):
    return re.findall(r"http://testserver(/\S+/)", message.body)


def masked(text, *values):
    """The text with the per-signer details (name, address, tokens) taken out."""
    for value in values:
        text = text.replace(value, "…")
    return re.sub(r"/(confirm|not-me|manage|unsubscribe)/[^/\s\"]+/", r"/\1/…/", text)


def page(response):
    """The page without its per-request CSRF token."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return masked(text)


def sign_and_confirm(client, petition, ip, captured, **changes):
    with captured(execute=True):
        response = sign(client, petition, ip=ip, **changes)
    message = mail.outbox[-1]
    confirm_path = links_in(message)[0]
    confirmed = client.post(confirm_path)
    return response, message, confirmed


def test_over_the_limit_is_flagged_silently_and_never_counts(
    client, petition, protected, django_capture_on_commit_callbacks
):
    captured = django_capture_on_commit_callbacks
    honest = sign_and_confirm(client, petition, "198.51.100.7", captured, full_name="Ana One")
    sign_and_confirm(client, petition, "198.51.100.7", captured, full_name="Ana Two")
    flood = sign_and_confirm(client, petition, "198.51.100.7", captured, full_name="Ana Three")

    honest_response, honest_mail, honest_confirmed = honest
    flood_response, flood_mail, flood_confirmed = flood
    # The same answer: redirect, thank-you page, email and confirmation page.
    assert flood_response.status_code == honest_response.status_code == 302
    assert flood_response["Location"] == honest_response["Location"]
    assert page(client.get(flood_response["Location"])) == page(
        client.get(honest_response["Location"])
    )
    assert masked(flood_mail.subject) == masked(honest_mail.subject)
    assert masked(flood_mail.body, "Ana Three") == masked(honest_mail.body, "Ana One")
    assert masked(flood_mail.alternatives[0][0], "Ana Three") == masked(
        honest_mail.alternatives[0][0], "Ana One"
    )
    assert flood_confirmed.status_code == honest_confirmed.status_code == 200
    assert page(flood_confirmed) == page(honest_confirmed)

    flagged = Signature.objects.get(full_name="Ana Three")
    assert flagged.status == Status.SUSPECTED  # confirmed, recorded, but still suspected
    assert flagged.confirmed_at is not None
    assert petition.compute_counts()["total"] == 2


def test_a_suspected_signer_sees_the_confirm_button_like_anyone(client, petition, protected):
    set_protection(burst_limit=0)
    with_mail = sign(client, petition)
    assert with_mail.status_code == 302
    signature = Signature.objects.get()
    assert signature.status == Status.SUSPECTED
    page = client.get(reverse("petition:confirm", args=[signature.make_token("confirm")]))
    assert "already confirmed" not in page.content.decode()
    assert '<button type="submit"' in page.content.decode()


def test_another_network_is_not_affected(client, petition, protected):
    for _ in range(3):
        sign(client, petition, ip="198.51.100.7")
    sign(client, petition, ip="203.0.113.9", full_name="Other Network")
    assert Signature.objects.get(full_name="Other Network").status == Status.PENDING
    assert Signature.objects.filter(status=Status.SUSPECTED).count() == 1


def test_the_limit_is_per_petition(client, make_petition, protected):
    first, second = make_petition(), make_petition()
    for _ in range(2):
        sign(client, first)
    sign(client, second, full_name="Elsewhere")
    assert Signature.objects.get(full_name="Elsewhere").status == Status.PENDING


def test_ipv6_addresses_in_one_64_share_a_limit(client, petition, protected):
    sign(client, petition, ip="2001:db8:1:2::1")
    sign(client, petition, ip="2001:db8:1:2:aaaa::2")
    sign(client, petition, ip="2001:db8:1:2:ffff:ffff:ffff:fffe", full_name="Same 64")
    sign(client, petition, ip="2001:db8:1:3::1", full_name="Next 64")
    assert Signature.objects.get(full_name="Same 64").status == Status.SUSPECTED
    assert Signature.objects.get(full_name="Next 64").status == Status.PENDING


def test_the_sustained_limit_applies_over_the_hour(client, petition, protected):
    set_protection(burst_limit=100, sustained_limit=2)
    for _ in range(2):
        sign(client, petition)
    sign(client, petition, full_name="Third in the hour")
    assert Signature.objects.get(full_name="Third in the hour").status == Status.SUSPECTED


@pytest.mark.parametrize(
    ("kind", "value", "ip", "email"),
    [
        (BlockRule.Kind.NETWORK, "203.0.113.0/24", "203.0.113.77", "a@example.org"),
        (BlockRule.Kind.NETWORK, "2001:db8::/32", "2001:db8:9::1", "a@example.org"),
        (BlockRule.Kind.DOMAIN, "*.flood.example", "198.51.100.7", "x@mail.flood.example"),
        (BlockRule.Kind.DOMAIN, "*.flood.example", "198.51.100.7", "x@flood.example"),
        (BlockRule.Kind.ADDRESS, "bot@example.org", "198.51.100.7", "Bot@Example.org"),
    ],
)
def test_block_rules_flag_silently(client, petition, protected, kind, value, ip, email):
    BlockRule.objects.create(kind=kind, value=value, effect=BlockRule.Effect.BLOCK)
    response = sign(client, petition, ip=ip, email=email)
    assert response.status_code == 302
    assert response["Location"] == reverse("petition:check_email", args=[petition.slug])
    assert Signature.objects.get().status == Status.SUSPECTED


def test_a_block_rule_does_not_catch_others(client, petition, protected):
    BlockRule.objects.create(kind=BlockRule.Kind.DOMAIN, value="*.flood.example")
    sign(client, petition, email="someone@example.org")
    assert Signature.objects.get().status == Status.PENDING


def test_a_network_allow_rule_skips_the_rate_limits(client, petition, protected):
    BlockRule.objects.create(
        kind=BlockRule.Kind.NETWORK, value="198.51.100.0/24", effect=BlockRule.Effect.ALLOW
    )
    for _ in range(5):
        sign(client, petition, ip="198.51.100.7")
    assert not Signature.objects.filter(status=Status.SUSPECTED).exists()
    # ...but not the bot traps.
    sign(client, petition, ip="198.51.100.7", homepage="http://spam.example")
    assert Signature.objects.filter(status=Status.SUSPECTED).count() == 1


def test_a_domain_allow_rule_does_not_open_the_rate_limits(client, petition, protected):
    BlockRule.objects.create(
        kind=BlockRule.Kind.DOMAIN, value="gmail.com", effect=BlockRule.Effect.ALLOW
    )
    for n in range(3):
        sign(client, petition, email=f"someone{n}@gmail.com")
    assert Signature.objects.filter(status=Status.SUSPECTED).count() == 1


def test_the_honeypot_flags_silently(client, petition, protected):
    response = sign(client, petition, homepage="http://spam.example")
    assert response.status_code == 302
    assert Signature.objects.get().status == Status.SUSPECTED


def test_the_honeypot_is_hidden_from_people(client, petition, protected):
    html = client.get(petition.get_absolute_url()).content.decode()
    trap = html[html.index('name="homepage"') - 300 : html.index('name="homepage"')]
    assert '<div class="d-none" aria-hidden="true">' in trap
    assert 'name="started"' in html


def signed_days_ago(days):
    then = time.time() - days * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=then):
        return started(seconds_ago=days * 24 * 3600)


@pytest.mark.parametrize(
    "stamp",
    [
        lambda: started(seconds_ago=1),
        lambda: None,
        lambda: "1700000000:forged",
        lambda: signed_days_ago(3),
    ],
    ids=["too-fast", "missing", "forged", "very-old"],
)
def test_too_fast_or_untimed_forms_are_flagged_silently(client, petition, protected, stamp):
    response = sign(client, petition, started=stamp())
    assert response.status_code == 302  # never an error shown to the sender
    assert Signature.objects.get().status == Status.SUSPECTED


def test_a_timestamp_from_a_page_shown_a_while_ago_is_fine(client, petition, protected):
    page = client.get(petition.get_absolute_url()).content.decode()
    stamp = re.search(r'name="started" value="([^"]+)"', page).group(1)
    set_protection(min_fill_seconds=0)  # the page was just rendered: no waiting in a test
    sign(client, petition, started=stamp)
    assert Signature.objects.get().status == Status.PENDING


def test_a_suspected_signer_signing_again_gets_the_same_emails(
    client, petition, protected, django_capture_on_commit_callbacks
):
    set_protection(burst_limit=0)
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, petition, email="again@example.org")
        sign(client, petition, email="again@example.org")
    assert [message.subject for message in mail.outbox] == [mail.outbox[0].subject] * 2
    assert "/confirm/" in mail.outbox[1].body  # not confirmed yet: the link again


# Alerts -------------------------------------------------------------------------------------


@pytest.fixture
def staff_to_alert(settings, db):
    settings.MANAGERS = [("Campaign team", "team@example.org")]
    User.objects.create_superuser("root", "root@example.org", "a-long-test-password")
    User.objects.create_superuser("nomail", "", "a-long-test-password")


def test_one_alert_per_network_per_hour_and_no_raw_ip(
    client, make_petition, protected, staff_to_alert, django_capture_on_commit_callbacks
):
    set_protection(burst_limit=100, sustained_limit=100, network_alert=3)
    petitions = [make_petition(), make_petition()]
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            sign(client, petitions[n % 2], ip="198.51.100.7")
    alerts = [message for message in mail.outbox if "Alert" in message.subject]
    assert sorted(message.to[0] for message in alerts) == ["root@example.org", "team@example.org"]
    for message in alerts:
        assert "3 signatures from one network" in message.subject
        for text in (message.subject, message.body, message.alternatives[0][0]):
            assert "198.51.100" not in text
        assert Signature.objects.first().ip_hash in message.body


def test_one_alert_per_email_domain_per_hour(
    client, petition, protected, staff_to_alert, django_capture_on_commit_callbacks
):
    set_protection(domain_alert=2)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            sign(client, petition, ip=f"198.51.100.{n}", email=f"s{n}@busy.example")
    alerts = [message for message in mail.outbox if "Alert" in message.subject]
    assert len(alerts) == 2  # one email to each of the two staff addresses
    assert "busy.example" in alerts[0].subject


def test_an_alert_lost_with_the_cache_is_sent_at_the_next_multiple(
    client, petition, protected, staff_to_alert, django_capture_on_commit_callbacks, monkeypatch
):
    """The "alerted" mark is asked for at the threshold and its multiples only; if the cache
    could not store it (Redis down: `add` says no), the next multiple alerts."""
    set_protection(domain_alert=2)
    real_add, refused = cache.add, []

    def add(key, *args, **kwargs):
        if "alerted" in key and not refused:
            refused.append(key)
            return False
        return real_add(key, *args, **kwargs)

    monkeypatch.setattr(cache, "add", add)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            sign(client, petition, ip=f"198.51.100.{n}", email=f"s{n}@busy.example")
    alerts = [message for message in mail.outbox if "Alert" in message.subject]
    assert len(refused) == 1
    assert len(alerts) == 2 and "4 signatures" in alerts[0].subject


def test_a_domain_allow_rule_silences_its_alert(
    client, petition, protected, staff_to_alert, django_capture_on_commit_callbacks
):
    set_protection(domain_alert=1)
    BlockRule.objects.create(
        kind=BlockRule.Kind.DOMAIN, value="gmail.com", effect=BlockRule.Effect.ALLOW
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, petition, email="someone@gmail.com")
    assert not [message for message in mail.outbox if "Alert" in message.subject]


# Moderators release -------------------------------------------------------------------------


@pytest.fixture
def moderator_client(db):
    user = User.objects.create_user("volunteer", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return login_verified(Client(), user), user


def test_moderators_filter_and_release_suspected_signatures(
    client, petition, protected, moderator_client
):
    set_protection(burst_limit=0)
    sign(client, petition, full_name="Confirmed Suspect")
    sign(client, petition, full_name="Unconfirmed Suspect")
    confirmed = Signature.objects.get(full_name="Confirmed Suspect")
    confirmed.confirm()
    assert petition.compute_counts()["total"] == 0

    admin, moderator = moderator_client
    changelist = reverse("admin:petition_signature_changelist")
    listed = admin.get(changelist, {"status__exact": "suspected"})
    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == list(
        Signature.objects.filter(status=Status.SUSPECTED)
    )
    everyone = list(Signature.objects.values_list("pk", flat=True))
    response = admin.post(
        changelist, {"action": "release", "_selected_action": everyone}, follow=True
    )
    assert response.status_code == 200
    assert Signature.objects.get(full_name="Confirmed Suspect").status == Status.CONFIRMED
    assert Signature.objects.get(full_name="Unconfirmed Suspect").status == Status.PENDING
    assert petition.compute_counts()["total"] == 1
    assert petition.counts()["total"] == 1
    entries = LogEntry.objects.filter(user=moderator)
    assert entries.count() == 2
    assert {entry.change_message for entry in entries} == {"Released from suspected fraud"}


def test_organisations_are_flagged_by_rules_too(client, petition, protected):
    BlockRule.objects.create(kind=BlockRule.Kind.DOMAIN, value="flood.example")
    data = {
        "name": "Example Dockers Union",
        "kind": "union",
        "country": "BR",
        "contact_name": "Contact",
        "email": "union@flood.example",
        "consent_processing": "on",
    }
    response = client.post(reverse("petition:sign_organisation", args=[petition.slug]), data)
    assert response.status_code == 302
    assert petition.organisations.get().status == Status.SUSPECTED


def test_i_did_not_sign_removes_a_suspected_signature(client, petition, protected):
    set_protection(burst_limit=0)
    sign(client, petition)
    signature = Signature.objects.get()
    response = client.post(reverse("petition:not_me", args=[signature.make_token("not-me")]))
    assert response.status_code == 200
    assert not Signature.objects.exists()


def test_the_verdict_says_why(petition, protected):
    BlockRule.objects.create(kind=BlockRule.Kind.ADDRESS, value="bot@example.org")
    form = SignatureForm(person(email="bot@example.org", homepage="x", started=started(1)))
    assert form.is_valid(), form.errors
    verdict = assess(petition, ip="198.51.100.7", email="bot@example.org", form=form)
    assert verdict.suspected
    assert verdict.reasons == ["blocked", "honeypot", "too_fast"]
    assert describe_reasons(",".join(verdict.reasons)) == (
        "Matched a block rule; Filled in the hidden trap field; "
        "Sent faster than a person fills in the form"
    )
    honest = SignatureForm(person())
    assert honest.is_valid()
    assert assess(petition, ip="203.0.113.1", email="ok@example.org", form=honest).reasons == []


def test_moderators_see_why_a_signature_is_suspected(client, petition, protected, moderator_client):
    sign(client, petition, homepage="http://spam.example", started=started(1))
    signature = Signature.objects.get()
    assert signature.suspicion == "honeypot,too_fast"
    admin, _moderator = moderator_client
    page = admin.get(reverse("admin:petition_signature_change", args=[signature.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Filled in the hidden trap field; Sent faster than a person fills in the form" in html
