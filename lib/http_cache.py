"""Cache headers: public pages can be absorbed by nginx or a CDN; everything else is no-store.

`shared_cache` marks a view's anonymous GETs as the same for every visitor: a public
max-age of a few seconds (PUBLIC_CACHE_SECONDS), served stale while a fresh copy is fetched
and while the server is down. The page is also kept in Django's cache for as long, so a read
storm costs one render per page, language and few seconds. A response is only ever shared if
nothing in it can belong to one visitor: no cookie set, no session cookie sent (staff see
previews and their own messages), no CSRF token (the forms on shared pages are checked by
lib/csrf.py instead).

`NoStoreByDefaultMiddleware` gives every response that did not choose its caching
`Cache-Control: no-store`: forms, email-link pages, errors and the admin are never kept by a
browser's back button, a proxy or a CDN.
"""

from functools import wraps

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.views.decorators.cache import cache_page

SHAREABLE_STATUSES = {200, 301, 404, 410}
# What the page's content depends on besides its URL: the language comes from the language
# cookie or Accept-Language (LocaleMiddleware).
VARY = ("Accept-Language", "Cookie")


def _is_shareable(request, response):
    return (
        request.method in ("GET", "HEAD")
        and response.status_code in SHAREABLE_STATUSES
        and not response.cookies
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not response.has_header("Cache-Control")
        and not response.streaming
        and b"csrfmiddlewaretoken" not in response.content
    )


def mark_shareable(response):
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_CACHE_SECONDS,
        stale_while_revalidate=settings.PUBLIC_CACHE_STALE_SECONDS,
        stale_if_error=settings.PUBLIC_CACHE_STALE_IF_ERROR_SECONDS,
    )
    patch_vary_headers(response, VARY)
    return response


def shared_cache(view):
    @wraps(view)
    def headers(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if _is_shareable(request, response):
            return mark_shareable(response)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response

    # cache_page keeps what the inner view marked public (never "private" or no-store),
    # keyed on the URL and the Vary headers, for the response's own max-age.
    cached = cache_page(None, key_prefix="shared")(headers)

    @wraps(view)
    def dispatch(request, *args, **kwargs):
        if settings.PUBLIC_PAGE_CACHE:
            return cached(request, *args, **kwargs)
        return headers(request, *args, **kwargs)

    return dispatch


class NoStoreByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
