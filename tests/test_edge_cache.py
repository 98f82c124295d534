"""The copy in front of Django (config/wsgi.py): the busiest public responses, served whole
from the cache, and never anything personal."""

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lib.edge_cache import EDGE_HEADER, EdgeCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(settings):
    settings.PUBLIC_PAGE_CACHE = True
    # As Django's test client does: the test's transaction must outlive each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield EdgeCache(WSGIHandler())
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def call(app, path, method="GET", **headers):
    environ = RequestFactory()._base_environ(
        PATH_INFO=path, REQUEST_METHOD=method, SERVER_NAME="testserver", **headers
    )
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


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


def test_the_counter_is_served_from_the_copy(app, petition, django_assert_num_queries):
    url = reverse("petition:count", args=[petition.slug])
    first = call(app, url)
    with django_assert_num_queries(0):
        assert call(app, url) == first


def test_each_language_and_cookie_has_its_own_copy(app, petition):
    english = call(app, petition.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    spanish = call(app, petition.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")
    assert english[2] != spanish[2]
    assert spanish[1]["Content-Language"] == "es"


def kept_copies():
    return [key for key in cache._cache if ":edge:" in key]


@pytest.mark.parametrize("cookie", ["session", "messages"])
def test_requests_with_a_session_or_a_message_always_reach_django(app, petition, settings, cookie):
    name = settings.SESSION_COOKIE_NAME if cookie == "session" else "messages"
    call(app, petition.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        status, _headers, _body = call(app, petition.get_absolute_url(), HTTP_COOKIE=f"{name}=x")
    assert status.startswith("200")
    assert len(queries) > 0  # rendered by Django for them
    assert len(kept_copies()) == 1  # only the anonymous visit's copy


def test_rate_limited_lists_are_never_kept_in_front(app, petition, settings):
    settings.SIGNATORY_LIST_RATE_LIMIT = 2
    url = reverse("petition:signatures", args=[petition.slug])
    statuses = [call(app, url, REMOTE_ADDR="203.0.113.5")[0][:3] for _ in range(4)]
    assert statuses[:2] == ["200", "200"]
    assert "429" in statuses[2:]


def test_forms_and_posts_are_never_kept(app, petition):
    url = reverse("petition:sign_organisation", args=[petition.slug])
    call(app, url)
    call(app, reverse("petition:sign", args=[petition.slug]), method="POST")
    assert kept_copies() == []
