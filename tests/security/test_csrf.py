"""CSRF: every form of the public site is refused without its token, with a friendly page, and
nothing changes. The sign form and the language menu live on pages that shared caches keep, so
they carry no token: a POST to them from another site is refused by the browser's own headers
(lib/csrf.py). The one-click unsubscribe of RFC 8058 is the single, deliberate exception."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override

from campaign.models import Action
from petition.models import Organisation, Signature, Signer
from tests.campaign.action_factories import report_data
from tests.petition.test_signing import ORGANISATION, VALID

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    """A browser that got the CSRF cookie, as a visitor would, and posts from another site."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("petition:index"))
    return client


@pytest.fixture
def pending(petition, make_signature):
    return make_signature(petition, status=Signer.Status.PENDING, keep_informed=True)


@pytest.fixture
def confirmed(petition, make_signature):
    return make_signature(petition, status=Signer.Status.CONFIRMED, keep_informed=True)


def snapshot():
    """What a forged form could change."""
    return {
        "signatures": list(Signature.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "actions": Action.objects.count(),
        "emails": len(mail.outbox),
    }


def assert_refused(response):
    assert response.status_code == 403
    page = response.content.decode()
    assert "Please try again" in page and "Nothing was saved" in page
    assert "CSRF" not in page  # the friendly page, not Django's technical one
    assert 'class="chorus' in page  # in the site's layout


def forged_posts(petition, pending, confirmed):
    """(url, data) for every form of the public site."""
    manage = reverse("petition:manage", args=[confirmed.make_token("manage")])
    return [
        (reverse("petition:sign_organisation", args=[petition.slug]), ORGANISATION),
        (reverse("petition:confirm", args=[pending.make_token("confirm")]), {}),
        (reverse("petition:not_me", args=[pending.make_token("not-me")]), {}),
        (manage, {"change": "withdraw", "sure": "yes"}),
        (manage, {"change": "hide_name"}),
        (manage, {"change": "unsubscribe"}),
        (reverse("campaign:report_action"), report_data()),
    ]


def token_free_posts(petition):
    """(url, data) for the forms that shared pages carry without a token."""
    return [(reverse("petition:sign", args=[petition.slug]), VALID)]


# What a browser sends when a page on another site posts a form here.
CROSS_SITE = [
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://attacker.example"},
    {"Sec-Fetch-Site": "same-site", "Origin": "https://evil.testserver"},
    {"Origin": "https://attacker.example"},  # an older browser, without Fetch Metadata
    {"Origin": "null"},  # a sandboxed frame or a data: page
]


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_token_free_forms_refuse_posts_from_other_sites(csrf_client, petition, headers):
    before = snapshot()
    for url, data in token_free_posts(petition):
        assert_refused(csrf_client.post(url, data, headers=headers))
        assert snapshot() == before, url
    assert not any("language" in name for name in csrf_client.cookies)


def test_over_https_a_token_free_post_without_origin_needs_a_same_site_referer(petition):
    client = Client(enforce_csrf_checks=True)
    url = reverse("petition:sign", args=[petition.slug])
    assert_refused(client.post(url, VALID, secure=True))
    refused = client.post(url, VALID, secure=True, headers={"Referer": "https://bad.example/"})
    assert_refused(refused)
    assert not Signature.objects.exists()
    ok = client.post(url, VALID, secure=True, headers={"Referer": "https://testserver/p/"})
    assert ok.status_code == 302
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Sec-Fetch-Site": "none"},
        {"Origin": "http://testserver"},
    ],
)
def test_token_free_forms_accept_posts_from_this_site(petition, headers, settings):
    client = Client(enforce_csrf_checks=True)
    sign = client.post(reverse("petition:sign", args=[petition.slug]), VALID, headers=headers)
    assert sign.status_code == 302
    assert Signature.objects.count() == 1


def test_a_trusted_origin_may_post_the_sign_form(petition, settings):
    """A campaign's own website embedding the form, listed in CSRF_TRUSTED_ORIGINS."""
    settings.CSRF_TRUSTED_ORIGINS = ["https://campaign.example"]
    client = Client(enforce_csrf_checks=True)
    headers = {"Sec-Fetch-Site": "cross-site", "Origin": "https://campaign.example"}
    response = client.post(reverse("petition:sign", args=[petition.slug]), VALID, headers=headers)
    assert response.status_code == 302


def test_every_public_form_is_refused_without_its_token(csrf_client, petition, pending, confirmed):
    before = snapshot()
    for url, data in forged_posts(petition, pending, confirmed):
        response = csrf_client.post(url, data)
        assert_refused(response)
        assert snapshot() == before, url
    assert "django_language" not in csrf_client.cookies
    assert not any("language" in name for name in csrf_client.cookies)


def test_a_wrong_token_is_refused_too(csrf_client, petition):
    data = ORGANISATION | {"csrfmiddlewaretoken": "x" * 64}
    url = reverse("petition:sign_organisation", args=[petition.slug])
    assert_refused(csrf_client.post(url, data))
    assert not Organisation.objects.exists()


def test_the_refusal_page_speaks_the_visitors_language(petition):
    client = Client(enforce_csrf_checks=True)
    with override("es"):
        url = reverse("petition:sign_organisation", args=[petition.slug])
    response = client.post(url, ORGANISATION)
    assert response.status_code == 403
    with override("es"):
        title = gettext("Please try again")
    assert title != "Please try again"
    assert title in response.content.decode()


def test_with_its_token_the_same_form_works(csrf_client, petition):
    """The refusals above are about the token, not about the forms."""
    url = reverse("petition:sign_organisation", args=[petition.slug])
    page = csrf_client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = csrf_client.post(url, ORGANISATION | {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Organisation.objects.count() == 1


def test_one_click_unsubscribe_needs_no_csrf_token_and_only_unsubscribes(csrf_client, confirmed):
    """RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no form and no cookie."""
    before = Signature.objects.filter(pk=confirmed.pk).values().get()
    url = reverse("petition:unsubscribe", args=[confirmed.make_token("manage")])
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    after = Signature.objects.filter(pk=confirmed.pk).values().get()
    assert after.pop("keep_informed") is False
    before.pop("keep_informed")
    assert after == before  # still signed, still confirmed, name as it was
    assert Signature.objects.count() == 1


def test_one_click_unsubscribe_with_a_forged_token_does_nothing(confirmed):
    response = Client(enforce_csrf_checks=True).post(
        reverse("petition:unsubscribe", args=["forged:token:value"])
    )
    assert response.status_code == 404
    assert Signature.objects.get().keep_informed is True


def post_forms(html):
    return re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", html, re.S | re.I)


def test_every_form_carries_a_token_but_the_shared_pages_forms(
    client, petition, pending, confirmed, make_organisation
):
    make_organisation(petition)
    token_free = [reverse("petition:sign", args=[petition.slug])]
    # Each page's own forms (the language menu is links).
    pages = {
        reverse("campaign:home"): 0,
        petition.get_absolute_url(): 1,
        reverse("petition:sign_organisation", args=[petition.slug]): 1,
        reverse("petition:confirm", args=[pending.make_token("confirm")]): 1,
        reverse("petition:not_me", args=[pending.make_token("not-me")]): 1,
        reverse("petition:manage", args=[confirmed.make_token("manage")]): 2,
        reverse("petition:unsubscribe", args=[confirmed.make_token("manage")]): 1,
        reverse("campaign:report_action"): 1,
    }
    for url, own_forms in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        forms = post_forms(response.content.decode())
        assert len(forms) >= own_forms, url
        for form in forms:
            action = re.search(r'action="([^"]*)"', form)
            if action and action.group(1) in token_free:
                assert "csrfmiddlewaretoken" not in form, (url, form[:200])
            else:
                assert 'name="csrfmiddlewaretoken"' in form, (url, form[:200])
