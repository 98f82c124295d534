"""The public copy served before Django (config/wsgi.py): whole responses from the cache, one
copy per page and language, stale while one request renders the next, and never anything
personal."""

import re
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.conf.urls.i18n import i18n_patterns
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, connections
from django.http import HttpResponse, HttpResponseNotFound
from django.middleware.csrf import get_token
from django.middleware.locale import LocaleMiddleware
from django.test import Client
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import translation

from config import urls as site_urls
from lib.edge_cache import EDGE_HEADER, EdgeCache
from lib.http_cache import request_language, shared_cache
from petition.models import Petition, Signature
from tests.petition.test_signing import VALID

pytestmark = pytest.mark.django_db

# Views whose answers the tests choose; each render is counted in `renders`.
renders = []
render_started, render_may_finish = threading.Event(), threading.Event()


def counted(body, **headers):
    renders.append(body)
    response = HttpResponse(f"{body} {len(renders)}")
    for name, value in headers.items():
        response[name] = value
    return response


@shared_cache
def language_view(request):
    return counted(f"rendered in {translation.get_language()}")


@shared_cache
def french_view(request):
    return counted("rendered in French", **{"Content-Language": "fr"})


@shared_cache
def session_view(request):
    request.session["visited"] = True  # SessionMiddleware sets the cookie after the view
    return counted("with a session")


@shared_cache
def csrf_cookie_view(request):
    get_token(request)  # CsrfViewMiddleware sets the cookie after the view
    return counted("with a CSRF cookie")


@shared_cache
def token_view(request):
    return counted('<input type="hidden" name="csrfmiddlewaretoken" value="one-visitors">')


@shared_cache
def not_found_view(request):
    renders.append("not found")
    return HttpResponseNotFound("gone")


@shared_cache
def slow_view(request):
    if renders:  # the second render waits until the test has made its other request
        render_started.set()
        assert render_may_finish.wait(10)
    return counted("slow")


urlpatterns = [
    *site_urls.urlpatterns,  # i18n_patterns may not be include()d
    path("test/language/", language_view),
    path("test/french/", french_view),
    path("test/session/", session_view),
    path("test/csrf-cookie/", csrf_cookie_view),
    path("test/token/", token_view),
    path("test/not-found/", not_found_view),
    path("test/slow/", slow_view),
]


class prefixed_urls:  # a URLconf with the language in the path, as a future issue plans
    urlpatterns = i18n_patterns(path("test/language/", language_view))


@pytest.fixture
def app(settings):
    settings.PUBLIC_PAGE_CACHE = True
    settings.PUBLIC_CACHE_SECONDS = 5
    settings.PUBLIC_CACHE_STALE_SECONDS = 30
    settings.ROOT_URLCONF = __name__
    renders.clear()
    render_started.clear()
    render_may_finish.clear()
    # As Django's test client does: the test's transaction must outlive each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield EdgeCache(WSGIHandler())
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def clock(monkeypatch):
    """time.time() as the test sets it (the cache's expiry follows it too)."""
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def call(app, path, method="GET", **headers):
    path, _, query = path.partition("?")
    environ = RequestFactory()._base_environ(
        PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=method, SERVER_NAME="testserver",
        **headers,
    )  # fmt: skip
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def language_cookie(code):
    return f"{django_settings.LANGUAGE_COOKIE_NAME}={code}"


def kept_copies():
    return [key for key in cache._cache if ":page:" in key and not key.endswith(":refresh")]


def test_a_public_page_is_served_whole_from_the_copy(app, petition, django_assert_num_queries):
    first = call(app, petition.get_absolute_url())
    assert first[0].startswith("200")
    with django_assert_num_queries(0):
        second = call(app, petition.get_absolute_url())
    assert second == first
    headers = second[1]
    assert "Content-Security-Policy" in headers and "Strict-Transport-Security" not in headers
    assert "public" in headers["Cache-Control"]
    assert EDGE_HEADER not in headers  # the marker never leaves the server


def test_a_head_request_is_answered_from_the_copy_without_a_body(app, petition):
    first = call(app, petition.get_absolute_url())
    assert call(app, petition.get_absolute_url(), method="HEAD") == (first[0], first[1], b"")


def test_the_counter_is_served_from_the_copy(app, petition, django_assert_num_queries):
    url = reverse("petition:count", args=[petition.slug])
    first = call(app, url)
    with django_assert_num_queries(0):
        assert call(app, url) == first
    directives = {part.strip() for part in first[1]["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=5", "stale-while-revalidate=30"}


def test_the_counter_is_never_older_than_the_settings_say(
    app, petition, make_signature, clock, settings
):
    url = reverse("petition:count", args=[petition.slug])
    call(app, petition.get_absolute_url())  # another page read the counts first
    clock[0] += 1
    make_signature(petition)
    clock[0] += 3
    assert b'"total": 1' in call(app, url)[2]  # rendered now: it shows what is counted now
    make_signature(petition)
    clock[0] += settings.PUBLIC_CACHE_SECONDS - 0.1
    assert b'"total": 1' in call(app, url)[2]  # a copy still fresh may lag
    clock[0] += 0.2
    assert b'"total": 2' in call(app, url)[2]  # an older one may not


def test_an_address_in_a_language_is_one_copy_for_every_browser(app, petition):
    with translation.override("es"):
        url = petition.get_absolute_url()
    first = call(app, url, HTTP_ACCEPT_LANGUAGE="it")
    assert first[1]["Content-Language"] == "es"
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "de"}, {"HTTP_COOKIE": language_cookie("fr")}):
        with CaptureQueriesContext(connection) as queries:
            assert call(app, url, **headers) == first, headers
        assert len(queries) == 0, headers
    assert len(kept_copies()) == 1


def test_browsers_asking_for_one_language_share_its_copy(app):
    """Where the address names no language, the browser's (or cookie's) decides, and every
    header resolving to one language shares its copy."""
    url = "/test/language/"
    first = call(app, url, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.8")
    assert first[1]["Content-Language"] == "es"
    same_language = [
        {"HTTP_ACCEPT_LANGUAGE": "es"},
        {"HTTP_ACCEPT_LANGUAGE": "es-ES"},
        {"HTTP_ACCEPT_LANGUAGE": "ja-JP,es;q=0.5"},
        {"HTTP_ACCEPT_LANGUAGE": "de", "HTTP_COOKIE": language_cookie("es")},
        {"HTTP_COOKIE": f"{language_cookie('es')}; csrftoken=abc; theme=dark"},
    ]
    for headers in same_language:
        with CaptureQueriesContext(connection) as queries:
            assert call(app, url, **headers) == first, headers
        assert len(queries) == 0, headers
    assert len(kept_copies()) == 1


def test_a_page_is_never_served_in_another_language(app):
    english = call(app, "/test/language/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    spanish = call(app, "/test/language/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.8")
    cookie = f"x=1; {language_cookie('fr')}"
    french = call(app, "/test/language/", HTTP_ACCEPT_LANGUAGE="es", HTTP_COOKIE=cookie)
    nowhere = call(app, "/test/language/", HTTP_ACCEPT_LANGUAGE="ja-JP,zh;q=0.8")
    assert [english[2], spanish[2], french[2], nowhere[2]] == [
        b"rendered in en 1", b"rendered in es 2", b"rendered in fr 3", b"rendered in en 1",
    ]  # fmt: skip
    assert [english[1]["Content-Language"], spanish[1]["Content-Language"]] == ["en", "es"]


def test_a_copy_is_kept_under_the_language_the_page_is_in(app):
    """The key is the response's Content-Language, not what the request asked for."""
    assert call(app, "/test/french/", HTTP_ACCEPT_LANGUAGE="en")[2] == b"rendered in French 1"
    assert call(app, "/test/french/", HTTP_ACCEPT_LANGUAGE="en")[2] == b"rendered in French 2"
    assert call(app, "/test/french/", HTTP_ACCEPT_LANGUAGE="fr")[2] == b"rendered in French 2"
    assert len(renders) == 2


def test_every_language_of_the_site_is_served_from_its_copy(app, petition, settings):
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            url = petition.get_absolute_url()
        first = call(app, url)
        assert first[1]["Content-Language"] == code
        with CaptureQueriesContext(connection) as queries:
            assert call(app, url) == first
        assert len(queries) == 0, code
    assert len(kept_copies()) == len(settings.LANGUAGES)


@pytest.mark.parametrize(
    "accept_language",
    ["", "es-MX,es;q=0.9,en;q=0.8", "ja-JP,ja;q=0.9,en;q=0.8", "pt-BR", "zh-CN,zh;q=0.9",
     "de;q=1.0,de-AT;q=0.5,*;q=0.1", "ur-IN,ur;q=0.9,en-US;q=0.8,en;q=0.7", "*", "x" * 600],
)  # fmt: skip
@pytest.mark.parametrize("cookie", [None, "fr", "xx"])
def test_the_language_looked_up_is_the_one_locale_middleware_gives(accept_language, cookie):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language}
    if cookie:
        headers["HTTP_COOKIE"] = language_cookie(cookie)
    for _ in range(2):  # the second time, as remembered
        request = RequestFactory().get("/p/x/", **headers)
        with translation.override(None):
            given = LocaleMiddleware(lambda request: HttpResponse())(request)["Content-Language"]
        assert request_language(RequestFactory().get("/p/x/", **headers)) == given


def test_languages_are_looked_up_again_when_the_settings_change(settings):
    request = RequestFactory().get("/p/x/", HTTP_ACCEPT_LANGUAGE="es")
    assert request_language(request) == "es"
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    assert request_language(request) == "en"


def test_with_the_language_in_the_path_the_path_decides(app, settings):
    settings.ROOT_URLCONF = prefixed_urls
    spanish = call(app, "/es/test/language/", HTTP_ACCEPT_LANGUAGE="fr")
    assert spanish[2] == b"rendered in es 1"
    assert call(app, "/es/test/language/", HTTP_ACCEPT_LANGUAGE="de")[2] == b"rendered in es 1"
    assert call(app, "/fr/test/language/", HTTP_ACCEPT_LANGUAGE="es")[2] == b"rendered in fr 2"


def test_a_stale_copy_is_served_while_one_request_renders_the_next(app, clock):
    assert call(app, "/test/slow/")[2] == b"slow 1"
    clock[0] += 6  # stale: past PUBLIC_CACHE_SECONDS, within PUBLIC_CACHE_STALE_SECONDS
    answers = []

    def render():
        answers.append(call(app, "/test/slow/")[2])
        connections.close_all()

    renderer = threading.Thread(target=render)
    renderer.start()
    assert render_started.wait(10)
    assert call(app, "/test/slow/")[2] == b"slow 1"  # meanwhile: the stale copy, not a render
    render_may_finish.set()
    renderer.join(10)
    assert answers == [b"slow 2"]
    assert call(app, "/test/slow/")[2] == b"slow 2"
    assert len(renders) == 2


def test_an_expired_copy_is_not_served(app, clock, settings):
    call(app, "/test/language/")
    clock[0] += settings.PUBLIC_CACHE_SECONDS + settings.PUBLIC_CACHE_STALE_SECONDS + 1
    cache.add(kept_copies()[0] + ":refresh", 1)  # even while someone else renders
    assert call(app, "/test/language/")[2] == b"rendered in en 2"


def test_a_page_that_can_no_longer_be_shared_is_not_served_from_its_copy(app, petition, clock):
    call(app, petition.get_absolute_url())
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.DRAFT)
    clock[0] += 6
    assert call(app, petition.get_absolute_url())[0].startswith("404")
    assert kept_copies() == []  # the old copy went with that render
    assert call(app, petition.get_absolute_url())[0].startswith("404")


@pytest.mark.parametrize("cookie", ["session", "messages"])
def test_requests_with_a_session_or_a_message_always_reach_django(app, petition, settings, cookie):
    name = settings.SESSION_COOKIE_NAME if cookie == "session" else "messages"
    call(app, petition.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        status, headers, _body = call(app, petition.get_absolute_url(), HTTP_COOKIE=f"{name}=x")
    assert status.startswith("200")
    assert len(queries) > 0  # rendered by Django for them
    assert "public" not in headers["Cache-Control"]
    assert len(kept_copies()) == 1  # only the anonymous visit's copy


@pytest.mark.parametrize("url", ["/test/session/", "/test/csrf-cookie/"])
def test_a_response_that_sets_a_cookie_is_never_kept(app, url):
    first = call(app, url)
    assert first[0].startswith("200") and "Set-Cookie" in first[1]
    assert call(app, url)[2].endswith(b" 2")  # rendered again
    assert kept_copies() == []


def test_a_page_with_a_csrf_token_is_never_kept_nor_shared(app):
    first = call(app, "/test/token/")
    assert "no-store" in first[1]["Cache-Control"]
    assert call(app, "/test/token/")[2].endswith(b" 2")  # rendered again
    assert kept_copies() == []


def test_only_a_200_is_kept_in_front(app):
    assert call(app, "/test/not-found/")[0].startswith("404")
    call(app, "/test/not-found/")
    assert renders == ["not found", "not found"]
    assert kept_copies() == []


def test_rate_limited_lists_are_never_served_in_front(app, petition, settings):
    settings.SIGNATORY_LIST_RATE_LIMIT = 2
    url = reverse("petition:signatures", args=[petition.slug])
    statuses = [call(app, url, REMOTE_ADDR="203.0.113.5")[0][:3] for _ in range(4)]
    assert statuses == ["200", "200", "429", "429"]  # every request counted
    # Another network is within its limit, and is served Django's copy of the list.
    with CaptureQueriesContext(connection) as queries:
        assert call(app, url, REMOTE_ADDR="198.51.100.7")[0].startswith("200")
    assert len(queries) == 0


def test_signing_works_from_a_kept_page(app, petition):
    call(app, petition.get_absolute_url())  # someone else's visit fills the copy
    page = call(app, petition.get_absolute_url())[2].decode()
    form = page[page.index('id="sign-form"') :]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    response = Client(enforce_csrf_checks=True).post(
        reverse("petition:sign", args=[petition.slug]),
        VALID | hidden,
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    )
    assert response.status_code == 302
    assert Signature.objects.get().email == VALID["email"]


def test_forms_and_posts_are_never_kept(app, petition):
    url = reverse("petition:sign_organisation", args=[petition.slug])
    call(app, url)
    call(app, reverse("petition:sign", args=[petition.slug]), method="POST")
    assert kept_copies() == []


def test_each_scheme_host_and_query_has_its_own_copy(app):
    """The edge names a page by the WSGI environ itself; what tells pages apart must stay."""
    call(app, "/test/language/")
    call(app, "/test/language/?page=2")
    call(app, "/test/language/", HTTP_X_FORWARDED_PROTO="https")
    call(app, "/test/language/", HTTP_HOST="localhost")
    assert len(renders) == 4 and len(kept_copies()) == 4
    for headers in ({}, {"HTTP_X_FORWARDED_PROTO": "https"}, {"HTTP_COOKIE": "theme=dark"}):
        call(app, "/test/language/", **headers)
    assert len(renders) == 4  # a cookie of no concern to the page shares the copy
