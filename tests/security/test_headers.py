"""Security headers on every kind of response, and a deploy check that passes."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.shortcuts import render
from django.test import Client, override_settings
from django.urls import path

from config import urls as site_urls
from tests.campaign.action_factories import jpeg_bytes

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
        "ADMINS": "ops@example.org",
        "SECURITY_CONTACT": "mailto:security@example.org",
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
PAGE_CSP = ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'")
# Browser features no page of Chorus uses, switched off for every response (lib/headers.py).
SWITCHED_OFF = ("camera=()", "microphone=()", "geolocation=()", "browsing-topics=()", "usb=()")


def broken(request):
    raise RuntimeError("a bug in a view")


def too_many_requests(request):
    return render(request, "429.html", status=429)


urlpatterns = [
    path("test/broken/", broken),
    path("test/too-many/", too_many_requests),
    *site_urls.urlpatterns,  # i18n_patterns may not be include()d
]


@pytest.fixture
def stored_photo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cover.jpg").write_bytes(jpeg_bytes())
    return "/media/photos/cover.jpg"


def kinds_of_response(petition, stored_photo):
    """(url, method, expected status, HTML?) for each kind of response the site gives."""
    return [
        (petition.get_absolute_url(), "get", 200, True),  # a page with a form
        (f"{petition.get_absolute_url()}count.json", "get", 200, False),  # JSON
        (f"{petition.get_absolute_url()}sign/", "get", 302, True),  # a redirect
        ("/no/such/page/", "get", 404, True),  # a 404
        (f"{petition.get_absolute_url()}sign/", "post", 403, True),  # a CSRF failure
        ("/test/too-many/", "get", 429, True),  # rate limited
        ("/test/broken/", "get", 500, True),  # a server error
        (f"/{settings.ADMIN_PATH}/login/", "get", 200, True),  # the back office
        ("/static/css/base.css", "get", 200, False),  # a static file
        (stored_photo, "get", 200, False),  # an uploaded photo
        ("/en/news/feed/", "get", 200, False),  # the Atom feed
    ]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, SECURE_HSTS_SECONDS=31536000)
def test_security_headers_on_every_kind_of_response(petition, stored_photo):
    client = HttpsClient(enforce_csrf_checks=True, raise_request_exception=False)
    for url, method, status, is_html in kinds_of_response(petition, stored_photo):
        response = getattr(client, method)(url)
        assert response.status_code == status, url
        for header, value in EXPECTED.items():
            assert response.headers.get(header) == value, (url, header)
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"], url
        assert "includeSubDomains" in response.headers["Strict-Transport-Security"], url
        for feature in SWITCHED_OFF:
            assert feature in response.headers["Permissions-Policy"], (url, feature)
        csp = response.headers.get("Content-Security-Policy", "")
        assert csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert response["Content-Type"].startswith("text/html") == is_html, url
        if is_html:
            assert response.headers["X-Frame-Options"] == "DENY", url
            for directive in PAGE_CSP:
                assert directive in csp, (url, directive)


@pytest.mark.django_db
def test_an_uploaded_photo_is_served_sandboxed_with_its_own_type(https_client, stored_photo):
    response = https_client.get(stored_photo)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["page.html", "image.svg", "script.js", "photo.jpg.html"])
def test_files_that_are_not_photos_are_never_served(https_client, settings, tmp_path, name):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / name).write_bytes(b"<script>alert(1)</script>")
    assert https_client.get(f"/media/{name}").status_code == 404


def test_the_page_policy_allows_nothing_from_other_origins():
    csp = settings.SECURE_CSP
    assert csp["default-src"] == csp["script-src"] == csp["style-src"] == ["'self'"]
    assert csp["object-src"] == csp["base-uri"] == csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    # Images from this site, data: URIs (Bootstrap's icons) and the photo store only.
    assert csp["img-src"] == ["'self'", "data:", *settings.MEDIA_ORIGINS]


@pytest.mark.django_db
def test_cookies_are_host_prefixed_secure_and_http_only(https_client, petition):
    response = https_client.get(f"/{settings.ADMIN_PATH}/login/")
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/"
    assert not cookie["domain"]
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert settings.SESSION_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY
