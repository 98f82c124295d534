"""Error pages are friendly, translated, carry the security headers and leak nothing; the error
report an operator gets by email carries no personal data and no token."""

import logging
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils.translation import gettext, override
from django.views.debug import SafeExceptionReporterFilter

from config import urls as site_urls
from petition.models import Signature, Signer
from petition.views.signing import PERSONAL_FIELDS
from tests.petition.test_signing import VALID

SECRET_DETAIL = "secret-detail-from-/srv/chorus/config/settings.py"


def broken(request):
    raise RuntimeError(f"{SECRET_DETAIL} {settings.SECRET_KEY}")


def forbidden(request):
    raise PermissionDenied(SECRET_DETAIL)


def too_many_requests(request):
    return render(request, "429.html", status=429)


urlpatterns = [
    path("test/broken/", broken),
    path("test/forbidden/", forbidden),
    path("test/too-many/", too_many_requests),
    *site_urls.urlpatterns,  # i18n_patterns may not be include()d
]

# What an error page must never show: Django's debug pages, settings, code, file paths.
LEAKS = (
    "Traceback",
    "RuntimeError",
    "PermissionDenied",
    "Exception",
    "URLconf",
    "DEBUG",
    "SECRET_KEY",
    "DATABASE",
    "site-packages",
    ".py",
    "/srv/",
    "secret-detail",
    str(settings.BASE_DIR),
)

# url, status, the page's title in English.
ERROR_PAGES = [
    ("/no/such/page/", 404, "Page not found"),
    ("/p/no-such-petition/", 404, "Page not found"),  # sent to /<language>/p/…, then 404
    ("/test/forbidden/", 403, "Access denied"),
    ("/test/too-many/", 429, "Too many requests"),
    ("/test/broken/", 500, "Something went wrong"),
]


def error_client(language="en"):
    return Client(raise_request_exception=False, headers={"accept-language": language})


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(("url", "status", "title"), ERROR_PAGES)
def test_error_pages_are_friendly_and_leak_nothing(url, status, title):
    response = error_client().get(url, follow=True)
    assert response.status_code == status
    page = response.content.decode()
    assert f"<title>{title}" in page
    assert 'name="robots" content="noindex"' in page
    assert 'href="/' in page  # a way back into the site
    for leak in LEAKS:
        assert leak not in page, leak
    assert response["Content-Type"].startswith("text/html")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(("url", "status", "title"), ERROR_PAGES)
def test_error_pages_speak_the_visitors_language(url, status, title):
    response = error_client("es").get(url, follow=True)
    assert response.status_code == status
    page = response.content.decode()
    with override("es"):
        translated = gettext(title)
    assert f"<title>{translated}" in page
    assert '<html lang="es"' in page


@pytest.mark.django_db
def test_the_500_page_uses_no_database_and_no_inline_code(django_assert_num_queries):
    from django.template.loader import render_to_string

    with django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "<script" not in page and "style=" not in page
    assert stylesheets(page) == STYLESHEETS


# Every page's style sheets, in cascade order: Bootstrap, then Chorus's own, split by what they
# style (static/css/base.css says what is where).
STYLESHEETS = ["vendor/bootstrap/bootstrap.min.css"] + [
    f"css/{name}.css" for name in ("base", "petition", "cases", "news", "actions")
]


def stylesheets(page):
    return re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', page)


@pytest.mark.django_db
def test_every_page_gets_every_style_sheet_in_cascade_order(client, petition):
    from django.template.loader import render_to_string

    pages = {
        "petition": client.get(petition.get_absolute_url()),
        "404": client.get("/no/such/page/"),
    }
    for name, response in pages.items():
        assert stylesheets(response.content.decode()) == STYLESHEETS, name
    assert stylesheets(render_to_string("500.html")) == STYLESHEETS
    # None left out: the admin's own are linked by the admin's templates.
    site = {f"css/{p.name}" for p in (settings.BASE_DIR / "static" / "css").glob("*.css")}
    assert site - {"css/admin.css", "css/admin_two_factor.css"} == set(STYLESHEETS[1:])


@pytest.mark.django_db
def test_a_request_for_another_host_gets_a_bare_400():
    response = error_client().get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert b"attacker.example" not in response.content
    assert b"ALLOWED_HOSTS" not in response.content


# --- The error report emailed to ADMINS --------------------------------------------------


@pytest.fixture
def admins(settings):
    settings.ADMINS = ["ops@example.org"]
    return settings.ADMINS


def report_text():
    assert len(mail.outbox) == 1
    report = mail.outbox[0]
    assert report.to == ["ops@example.org"]
    return report.subject + "\n" + report.body + "".join(str(a[0]) for a in report.alternatives)


@pytest.mark.django_db
def test_a_crash_while_signing_is_reported_without_the_signers_data(
    admins, petition, monkeypatch, caplog
):
    def crash(*args, **kwargs):
        raise RuntimeError("the mail queue is down")

    monkeypatch.setattr("petition.actions.sign_petition", crash)
    url = reverse("petition:sign", args=[petition.slug]) + "?email=query@example.org"
    response = error_client().post(url, VALID | {"email": "amara.private@example.org"})
    assert response.status_code == 500

    text = report_text()
    assert "Internal Server Error" in text and "the mail queue is down" in text  # still useful
    for personal in ("Amara", "amara.private", "query@example.org", "Torino", "Branch Secretary"):
        assert personal not in text, personal
    assert "csrftoken" not in text and "HTTP_" not in text and "REMOTE_ADDR" not in text

    # The view marks its personal fields sensitive, so any other reporter hides them too.
    record = next(r for r in caplog.records if r.name == "django.request")
    filtered = SafeExceptionReporterFilter().get_post_parameters(record.request)
    for field in PERSONAL_FIELDS:
        if field in VALID:
            assert filtered[field] != VALID[field], field
    assert VALID["full_name"] not in str(filtered)


@pytest.mark.django_db
def test_a_crash_while_confirming_is_reported_without_the_token(
    admins, petition, make_signature, monkeypatch
):
    signature = make_signature(petition, status=Signer.Status.PENDING, email="zoe@example.org")
    token = signature.make_token("confirm")

    def crash(self):
        raise RuntimeError(f"could not confirm {self.email}")

    monkeypatch.setattr(Signature, "confirm", crash)
    response = error_client().post(reverse("petition:confirm", args=[token]))
    assert response.status_code == 500

    text = report_text()
    assert "RuntimeError" in text and "/confirm/" in text
    signature_part = token.rsplit(":", 1)[1]
    assert signature_part not in text and token.split(":")[1] not in text
    assert "zoe@example.org" not in text


@pytest.mark.django_db
def test_without_admins_no_report_is_sent(petition, monkeypatch, settings):
    settings.ADMINS = []
    monkeypatch.setattr("petition.actions.sign_petition", lambda *a, **k: 1 / 0)
    assert error_client().post(reverse("petition:sign", args=[petition.slug]), VALID)
    assert mail.outbox == []


def test_error_reports_replace_djangos_request_dump():
    handlers = logging.getLogger("django").handlers
    assert [type(handler).__name__ for handler in handlers] == ["RedactedAdminEmailHandler"]
