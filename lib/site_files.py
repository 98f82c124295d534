"""The files browsers and crawlers ask for at fixed addresses."""

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Links from emails carry personal tokens: no crawler should follow or keep them, in any
# language. (`*` in a path is understood by the large crawlers, not by every one.)
PERSONAL_LINKS = ("confirm", "not-me", "manage", "unsubscribe")


def robots_lines():
    prefixes = ["*", *(code for code, _name in settings.LANGUAGES)]
    yield "User-agent: *"
    for prefix in prefixes:
        for link in PERSONAL_LINKS:
            yield f"Disallow: /{prefix}/{link}/"
    yield f"Sitemap: {settings.SITE_URL}/sitemap.xml"


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    return HttpResponse("\n".join(robots_lines()) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page names."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def security_contact():
    """Where to report a vulnerability in this site: SECURITY_CONTACT, else the first of ADMINS."""
    if settings.SECURITY_CONTACT:
        return settings.SECURITY_CONTACT
    return f"mailto:{settings.ADMINS[0]}" if settings.ADMINS else ""


@require_safe
@cache_control(public=True, max_age=86400)
def security_txt(request):
    """RFC 9116: who to tell about a vulnerability (SECURITY.md says how we answer). No
    contact configured, no file: a wrong address would be worse than none."""
    contact = security_contact()
    if not contact:
        raise Http404
    # Less than a year ahead, as the RFC asks; computed each day, so it never lapses.
    expires = datetime.combine(datetime.now(UTC).date() + timedelta(days=180), time(), UTC)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
