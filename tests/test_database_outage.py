"""PostgreSQL down or restarting: a friendly 503 with Retry-After, never a 500 traceback,
and nothing half-stored."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from petition import actions
from petition.models import Signature
from petition.views import public
from tests.petition.test_signing import VALID

pytestmark = pytest.mark.django_db

LOST = "server closed the connection unexpectedly"


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Back in a moment" in page
    assert LOST not in page and "Traceback" not in page and "OperationalError" not in page
    assert "Content-Security-Policy" in response


def test_a_page_read_while_the_database_is_away(visitor, petition, monkeypatch):
    def lost(slug):
        raise OperationalError(LOST)

    monkeypatch.setattr(public, "get_public_petition", lost)
    assert_unavailable(visitor.get(petition.get_absolute_url()))


def test_signing_while_the_database_is_away_stores_nothing(visitor, petition, monkeypatch):
    def lost(*args, **kwargs):
        raise OperationalError(LOST)

    monkeypatch.setattr(actions, "_store_signer", lost)
    response = visitor.post(reverse("petition:sign", args=[petition.slug]), VALID)
    assert_unavailable(response)
    assert "your signature has not been stored yet" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_failure_in_a_middleware_is_a_503_too(visitor, petition, settings, monkeypatch):
    def lost(self):
        raise OperationalError(LOST)

    monkeypatch.setattr(SessionStore, "load", lost)
    visitor.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    assert_unavailable(visitor.get(reverse("admin:index")))


def test_other_errors_stay_a_500(visitor, petition, monkeypatch):
    def broken(slug):
        raise RuntimeError("a bug")

    monkeypatch.setattr(public, "get_public_petition", broken)
    response = visitor.get(petition.get_absolute_url())
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_503_speaks_the_visitors_language(petition, monkeypatch):
    def lost(slug):
        raise OperationalError(LOST)

    monkeypatch.setattr(public, "get_public_petition", lost)
    spanish = Client(raise_request_exception=False)
    with translation.override("es"):
        url = petition.get_absolute_url()
    response = spanish.get(url)
    assert response.status_code == 503
    assert "Volvemos enseguida" in response.content.decode()
