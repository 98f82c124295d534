"""The files browsers and crawlers ask for at fixed addresses."""

from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Links from emails carry personal tokens: no crawler should follow or keep them.
ROBOTS_TXT = """User-agent: *
Disallow: /confirm/
Disallow: /not-me/
Disallow: /manage/
Disallow: /unsubscribe/
"""


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page names."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
