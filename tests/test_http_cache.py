"""Public pages can be kept by nginx, a CDN and Django's cache; nothing personal ever is.
Here, through Django's test client: the headers, and the copy `shared_cache(edge=False)` keeps
for the rate-limited lists. The copy served before Django: tests/test_edge_cache.py."""

import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lib.http_cache import EDGE_HEADER
from petition.models import Signer
from tests.petition.test_signing import VALID

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE = True
    settings.PUBLIC_CACHE_SECONDS = 5
    settings.PUBLIC_CACHE_STALE_SECONDS = 30
    settings.PUBLIC_CACHE_STALE_IF_ERROR_SECONDS = 86400


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def public_pages(petition):
    return [
        reverse("campaign:home"),
        reverse("petition:index"),
        petition.get_absolute_url(),
        reverse("petition:signatures", args=[petition.slug]),
        reverse("petition:countries", args=[petition.slug]),
        reverse("petition:organisations", args=[petition.slug]),
        reverse("campaign:updates"),
        reverse("campaign:updates_feed"),
        reverse("campaign:actions"),
        reverse("campaign:timeline"),
        reverse("campaign:action_map"),
        reverse("campaign:cases"),
    ]


def test_public_pages_may_be_kept_a_few_seconds_by_shared_caches(client, petition):
    for url in public_pages(petition):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response) == {
            "public",
            "max-age=5",
            "stale-while-revalidate=30",
            "stale-if-error=86400",
        }, url
        vary = {part.strip() for part in response["Vary"].split(",")}
        assert {"Accept-Language", "Cookie"} <= vary, url
        assert not response.cookies, url
        assert b"csrfmiddlewaretoken" not in response.content, url


def test_forms_and_personal_pages_are_never_stored(client, petition, make_signature):
    pending = make_signature(petition, status=Signer.Status.PENDING)
    pages = [
        reverse("petition:sign_organisation", args=[petition.slug]),
        reverse("campaign:report_action"),
        reverse("petition:check_email", args=[petition.slug]),
        reverse("petition:confirm", args=[pending.make_token("confirm")]),
        reverse("petition:not_me", args=[pending.make_token("not-me")]),
        reverse("petition:manage", args=[pending.make_token("manage")]),
        reverse("petition:manage_data", args=[pending.make_token("manage")]),
        reverse("petition:challenge"),
        "/no/such/page/",
    ]
    for url in pages:
        response = client.get(url)
        assert "no-store" in directives(response), url
        assert "public" not in directives(response), url
    # A form sent back with its errors is no-store too.
    invalid = client.post(reverse("petition:sign", args=[petition.slug]), VALID | {"email": "x"})
    assert invalid.status_code == 200
    assert "no-store" in directives(invalid)


def signatory_list(petition):
    return reverse("petition:signatures", args=[petition.slug])


def kept_pages():
    """The copies Django's cache holds (tests use the local-memory cache)."""
    keys = [key[key.index("page:") :] for key in cache._cache if ":page:" in key]
    return [key for key in keys if not key.endswith(":refresh")]


def test_a_rate_limited_list_is_served_from_its_copy_inside_django(
    client, petition, django_assert_num_queries
):
    first = client.get(signatory_list(petition))
    with django_assert_num_queries(0):
        second = client.get(signatory_list(petition))
    assert second.content == first.content
    assert directives(second) >= {"public", "max-age=5"}
    assert EDGE_HEADER not in second  # never kept before Django: its limit counts every request


def test_the_limit_counts_requests_served_from_the_copy(client, petition, settings):
    settings.SIGNATORY_LIST_RATE_LIMIT = 2
    statuses = [client.get(signatory_list(petition)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_pages_served_before_django_are_only_marked_here(client, petition):
    """One copy: the petition page's is kept by lib/edge_cache.py, not a second time here."""
    first = client.get(petition.get_absolute_url())
    assert first[EDGE_HEADER] == "1"
    assert kept_pages() == []


def test_each_language_is_kept_apart(petition):
    """The address names the language (/es/p/…): a copy per address, whatever the browser
    says, so a Spanish page is never served to an Italian address."""
    with translation.override("es"):
        spanish_url, heading = signatory_list(petition), translation.gettext("Signatories")
    with translation.override("it"):
        italian_url = signatory_list(petition)
    assert heading != "Signatories" and spanish_url.startswith("/es/")
    spanish = Client(headers={"accept-language": "it"}).get(spanish_url)
    italian = Client(headers={"accept-language": "es"}).get(italian_url)
    again = Client(headers={"accept-language": "de"}).get(spanish_url)
    assert heading in spanish.content.decode()
    assert heading not in italian.content.decode()
    assert again.content == spanish.content
    assert len(kept_pages()) == 2


def test_a_staff_members_page_is_never_shared(client, petition, admin_user):
    client.force_login(admin_user)
    for url in (petition.get_absolute_url(), signatory_list(petition)):
        response = client.get(url)
        assert "public" not in directives(response), url
        assert "private" in directives(response), url
        assert EDGE_HEADER not in response, url
    assert kept_pages() == []
    Client().get(signatory_list(petition))
    assert len(kept_pages()) == 1


def test_an_address_without_a_language_goes_to_the_readers_own(client, petition, settings):
    """The language cookie, then the browser, choose where a bare address goes; the page there
    is the same for everyone who asks for that address."""
    bare = petition.get_absolute_url().removeprefix("/en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get(bare, headers={"accept-language": "de"})
    assert response.status_code == 302 and response["Location"] == f"/fr{bare}"
    assert "public" not in directives(response)
    response = Client(headers={"accept-language": "de-CH,de;q=0.9"}).get(bare)
    assert response["Location"] == f"/de{bare}"
    french = client.get(f"/fr{bare}")
    with translation.override("fr"):
        assert translation.gettext("Sign the petition") in french.content.decode()


def test_an_expired_copy_is_rendered_again_by_one_request_while_others_get_it_stale(
    client, petition, make_signature, monkeypatch, django_assert_num_queries
):
    url = signatory_list(petition)
    client.get(url)
    make_signature(petition, full_name="Newer Signer")
    later = time.time() + 6  # past PUBLIC_CACHE_SECONDS, within the stale window
    monkeypatch.setattr(time, "time", lambda: later)
    [key] = kept_pages()
    cache.add(key + ":refresh", 1)  # another request is rendering the next copy
    with django_assert_num_queries(0):
        stale = client.get(url)
    assert "Newer Signer" not in stale.content.decode()
    cache.delete(key + ":refresh")
    fresh = client.get(url)  # this request renders it
    assert "Newer Signer" in fresh.content.decode()
    with django_assert_num_queries(0):
        assert "Newer Signer" in client.get(url).content.decode()


def test_a_visitor_with_a_message_waiting_gets_the_page_rendered_for_them(client, petition):
    Client().get(signatory_list(petition))
    client.cookies["messages"] = "pending"
    for url in (petition.get_absolute_url(), signatory_list(petition)):
        response = client.get(url)
        assert "public" not in directives(response), url
        assert EDGE_HEADER not in response, url
    assert len(kept_pages()) == 1  # only the anonymous visit's copy


def test_each_page_of_a_list_is_kept_apart(client, petition, make_signature):
    for n in range(60):
        make_signature(petition, full_name=f"Listed Signer {n:02d}")
    url = reverse("petition:signatures", args=[petition.slug])
    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    assert first != second
    assert client.get(url + "?page=2").content.decode() == second
