"""Cache headers and a page cache: a read storm costs one render per page and language every
few seconds, and nothing personal is ever kept.

`shared_cache` marks a view's anonymous GETs as the same for every visitor: a public max-age
of a few seconds (PUBLIC_CACHE_SECONDS), served stale while a fresh copy is fetched and while
the server is down, so nginx or a CDN can absorb the storm. Django keeps its own copy too
(PUBLIC_PAGE_CACHE), keyed on the path and the language, and serves it stale while a single
request renders the next one: when a copy expires, the other visitors do not all render the
page at once.

A response is only ever shared if nothing in it can belong to one visitor: no cookie set, no
session or messages cookie sent (staff see previews; a visitor's message is theirs), no CSRF
token (the forms on shared pages are checked by lib/csrf.py instead).

`NoStoreByDefaultMiddleware` gives every response that did not choose its caching
`Cache-Control: no-store`: forms, email-link pages, errors and the admin are never kept by a
browser's back button, a proxy or a CDN.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from lib.edge_cache import EDGE_HEADER

SHAREABLE_STATUSES = {200, 404, 410}
# What the page's content depends on besides its URL: the language comes from the language
# cookie or Accept-Language (LocaleMiddleware); Cookie, for any cache that keys on cookies.
VARY = ("Accept-Language", "Cookie")
KEY_PREFIX = "page:"
# Longest a render may hold the refresh lock before another request may try.
REFRESH_LOCK_SECONDS = 30


def _personal_cookies():
    return (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


def _is_personal_request(request):
    return request.method not in ("GET", "HEAD") or any(
        name in request.COOKIES for name in _personal_cookies()
    )


def _is_shareable(request, response):
    return (
        not _is_personal_request(request)
        and response.status_code in SHAREABLE_STATUSES
        and not response.cookies
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


def _page_key(request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"{KEY_PREFIX}{translation.get_language()}:{path}"


def _stored(response):
    return {
        "fresh_until": time.time() + settings.PUBLIC_CACHE_SECONDS,
        "status": response.status_code,
        "headers": list(response.items()),
        "content": response.content,
    }


def _restored(entry):
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    return response


def _render(view, request, args, kwargs, edge):
    response = view(request, *args, **kwargs)
    if _is_shareable(request, response):
        if edge:
            response[EDGE_HEADER] = "1"
        return mark_shareable(response), True
    if not response.has_header("Cache-Control"):
        add_never_cache_headers(response)
    return response, False


def shared_cache(view=None, *, edge=True):
    """`edge=False` for views whose every request must reach Django (a per-visitor rate
    limit): lib/edge_cache.py then never keeps them."""
    if view is None:
        return lambda view: shared_cache(view, edge=edge)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.PUBLIC_PAGE_CACHE or _is_personal_request(request):
            return _render(view, request, args, kwargs, edge)[0]
        key = _page_key(request)
        entry = cache.get(key)
        if entry is not None:
            fresh = entry["fresh_until"] > time.time()
            # Stale: one request renders the next copy; the others get this one meanwhile.
            if fresh or not cache.add(f"{key}:refresh", 1, REFRESH_LOCK_SECONDS):
                return _restored(entry)
        response, shareable = _render(view, request, args, kwargs, edge)
        if shareable:
            keep = settings.PUBLIC_CACHE_SECONDS + settings.PUBLIC_CACHE_STALE_SECONDS
            cache.set(key, _stored(response), keep)
        if entry is not None:
            cache.delete(f"{key}:refresh")
        return response

    return wrapped


class NoStoreByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
