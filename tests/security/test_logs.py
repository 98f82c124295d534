"""Logs hold no personal data and no tokens."""

import io
import logging

import pytest
from django.test import override_settings
from django.urls import path

from lib.logs import RedactingFilter, redact_path


def broken(request, token):
    raise RuntimeError(f"failed for {request.path}")


urlpatterns = [path("confirm/<str:token>/", broken)]


@pytest.fixture
def captured_log():
    """What Django's configured console handler would write."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactingFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.parametrize(
    "path",
    [
        "/confirm/abc123:1xYz:SiGnAtUrE/",
        "/not-me/abc123:1xYz:SiGnAtUrE/",
        "/manage/abc123:1xYz:SiGnAtUrE/data.json",
        "/unsubscribe/abc123%3A1xYz%3ASiGnAtUrE/",
    ],
)
def test_token_paths_are_redacted(path):
    assert "SiGnAtUrE" not in redact_path(path)
    assert "SiGnAtUrE" not in redact_path(path + "?email=someone@example.org")


@override_settings(ROOT_URLCONF=__name__, DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_a_server_error_is_logged_without_the_token(client, captured_log):
    client.raise_request_exception = False
    response = client.get("/confirm/abc123:1xYz:SiGnAtUrE/?email=someone@example.org")
    assert response.status_code == 500
    written = captured_log.getvalue()
    assert "Internal Server Error" in written
    assert "RuntimeError" in written  # the traceback is still there for the operator
    assert "SiGnAtUrE" not in written
    assert "someone@example.org" not in written


@pytest.mark.django_db
def test_signing_logs_nothing_personal(client, petition, captured_log, caplog):
    from tests.petition.test_signing import sign

    caplog.set_level(logging.DEBUG)
    sign(client, petition, full_name="Loggable Name", email="loggable@example.org")
    for text in (captured_log.getvalue(), caplog.text):
        assert "loggable@example.org" not in text
        assert "Loggable Name" not in text
