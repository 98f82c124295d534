"""The Nu HTML Checker (vnu.jar from npm, run by the machine's Java) finds no error on any public
page, in English and in Urdu, nor on the sign forms after an empty submit."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.shortcuts import render
from django.test import Client, override_settings
from django.urls import path as route

from config import urls as site_urls
from tests.public_pages import in_language, public_pages

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("a bug")


def database_down(request):
    raise OperationalError("connection refused")


def forbidden(request):
    raise PermissionDenied


def too_many(request):
    return render(request, "429.html", status=429)


urlpatterns = [
    route("test/500/", broken),
    route("test/503/", database_down),
    route("test/403/", forbidden),
    route("test/429/", too_many),
    *site_urls.urlpatterns,
]
handler500 = site_urls.handler500


def vnu_errors(pages, folder):
    """{path: [message]} for the HTML of each (path, html) in pages, in one run of the checker."""
    assert VNU.exists(), f"{VNU} is missing: run `npm ci` (make test does)"
    java = shutil.which("java")
    assert java, "Java is missing: apt-get install default-jre-headless"
    files = {}
    for n, (path, html) in enumerate(pages):
        file = (folder / f"page-{n}.html").resolve()
        file.write_bytes(html)
        files[file] = path
    by_uri = {f"file:{file}": path for file, path in files.items()}  # as vnu names them
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)
    errors = {}
    for message in report["messages"]:
        path = by_uri.get(message.get("url"), message.get("url"))
        errors.setdefault(path, []).append(
            f"line {message.get('lastLine')}: {message['message']} [{message.get('extract', '')}]"
        )
    return errors


def test_every_public_page_is_valid_html(client, campaign, tmp_path):
    pages = []
    for language in ["en", "ur"]:
        for path, status in public_pages(campaign):
            path = in_language(path, language)
            response = client.get(path)
            assert response.status_code == status, path
            if response["Content-Type"].startswith("text/html"):  # not the Atom feed
                pages.append((path, response.content))
    assert len(pages) > 40
    errors = vnu_errors(pages, tmp_path)
    assert not errors, "\n".join(f"{path}: {m}" for path, ms in errors.items() for m in ms)


def test_the_sign_forms_with_errors_are_valid_html(client, petition, tmp_path):
    pages = []
    url = petition.get_absolute_url()
    for language in ["en", "ur"]:
        for form in ["sign/", "organisations/sign/"]:
            path = in_language(f"{url}{form}", language)
            response = client.post(path, {})
            assert b'id="error-summary"' in response.content, path
            pages.append((path, response.content))
    errors = vnu_errors(pages, tmp_path)
    assert not errors, "\n".join(f"{path}: {m}" for path, ms in errors.items() for m in ms)


@override_settings(ROOT_URLCONF=__name__)
def test_the_error_pages_are_valid_html_and_right_to_left_in_urdu(tmp_path):
    client = Client(raise_request_exception=False)
    pages = []
    for language in ["en", "ur"]:
        for status in [403, 404, 429, 500, 503]:
            response = client.get(f"/test/{status}/", HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == status
            html = response.content.decode()
            rtl = language == "ur"
            assert f'<html lang="{language}" dir="{"rtl" if rtl else "ltr"}">' in html, status
            assert ("bootstrap.rtl.min.css" in html) is rtl, status
            pages.append((f"{status} ({language})", response.content))
    errors = vnu_errors(pages, tmp_path)
    assert not errors, "\n".join(f"{path}: {m}" for path, ms in errors.items() for m in ms)


def test_the_pages_after_signing_are_valid_html(
    client, petition, mailoutbox, django_capture_on_commit_callbacks, tmp_path
):
    from tests.petition.test_signing import VALID

    pages = []
    url = petition.get_absolute_url()
    for language in ["en", "ur"]:
        with django_capture_on_commit_callbacks(execute=True):  # the email goes on commit
            signed = client.post(
                in_language(f"{url}sign/", language),
                VALID | {"email": f"{language}@example.org"},
                follow=True,
            )
        assert signed.status_code == 200
        pages.append((f"check your email ({language})", signed.content))
        link = re.search(r"http://testserver(/\S+/confirm/\S+/)", mailoutbox[-1].body).group(1)
        confirmed = client.post(link, follow=True)
        assert confirmed.status_code == 200
        pages.append((f"confirmed ({language})", confirmed.content))
    errors = vnu_errors(pages, tmp_path)
    assert not errors, "\n".join(f"{path}: {m}" for path, ms in errors.items() for m in ms)
