"""Security headers on every kind of response, and a deploy check that passes."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_manage_py_check_deploy_passes_with_production_settings():
    env = {
        key: value
        for key, value in os.environ.items()
        # The browser tests allow async-unsafe calls in this process; production never does.
        if key
        not in {
            "DEBUG",
            "SECURE_SSL_REDIRECT",
            "STATICFILES_MANIFEST",
            "EMAIL_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    } | {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "petition.example.org",
        "EMAIL_URL": "smtp+tls://chorus:password@smtp.example.org:587",
        "SITE_URL": "https://petition.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


class HttpsClient(Client):
    def generic(self, *args, **kwargs):
        return super().generic(*args, **kwargs | {"secure": True})


@pytest.fixture
def https_client():
    return HttpsClient()


EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def kinds_of_response(petition):
    return [
        petition.get_absolute_url(),  # a page with a form
        f"{petition.get_absolute_url()}count.json",  # JSON
        f"{petition.get_absolute_url()}sign/",  # a redirect
        "/no/such/page/",  # a 404
        f"/{settings.ADMIN_PATH}/login/",  # the back office
        "/static/css/chorus.css",  # a static file
    ]


@pytest.mark.django_db
def test_security_headers_on_every_kind_of_response(https_client, petition, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    for url in kinds_of_response(petition):
        response = https_client.get(url)
        assert response.status_code in {200, 302, 404}, url
        for header, value in EXPECTED.items():
            assert response.headers.get(header) == value, (url, header)
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"], url
        csp = response.headers.get("Content-Security-Policy", "")
        if response["Content-Type"].startswith("text/html"):
            assert response.headers["X-Frame-Options"] == "DENY", url
            for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
                assert directive in csp, (url, directive)
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
            assert "script-src 'self'" in csp, url


@pytest.mark.django_db
def test_cookies_are_host_prefixed_secure_and_http_only(https_client, petition):
    response = https_client.get(f"/{settings.ADMIN_PATH}/login/")
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/"
    assert not cookie["domain"]
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert settings.SESSION_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY
