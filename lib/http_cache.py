"""The public copy of a page, and the cache headers: a read storm costs one render per page and
language every few seconds, and nothing personal is ever kept.

One copy per page: its key is the scheme, host, path and query, and the language the page was
rendered in. A request looks up the language LocaleMiddleware will give it (the language
cookie, then Accept-Language, resolved to one of LANGUAGES), so the hundreds of Accept-Language
headers a crowd sends share a handful of copies. A copy is fresh PUBLIC_CACHE_SECONDS; then,
for PUBLIC_CACHE_STALE_SECONDS more, one request renders the next copy while the others are
served the stale one, so that the crowd does not render the page all at once.

Where the copy is served from:
- before Django (lib/edge_cache.py, config/wsgi.py) for the views that `shared_cache` marks
  (EDGE_HEADER): a copy of the whole response, served with one cache read;
- by `shared_cache(edge=False)` itself, inside Django, for views whose every request must
  reach Django (a per-visitor rate limit): the view's response, then the middleware as usual.
Both use `copy_key`, `kept_copy` and `keep` below.

A response is only ever kept or shared if nothing in it can belong to one visitor: no cookie
set, no session or messages cookie sent (staff see previews; a visitor's message is theirs), no
CSRF token (the forms on shared pages are checked by lib/csrf.py instead).

`shared_cache` also marks a view's anonymous GETs with a public max-age of PUBLIC_CACHE_SECONDS,
served stale while a fresh copy is fetched and while the server is down, so that nginx or a CDN
can absorb the storm. `NoStoreByDefaultMiddleware` gives every response that did not choose its
caching `Cache-Control: no-store`: forms, email-link pages, errors and the admin are never kept
by a browser's back button, a proxy or a CDN.
"""

import hashlib
import time
from functools import lru_cache, wraps
from types import SimpleNamespace

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

# Set by `shared_cache` on the responses the copy before Django may keep; never sent out.
EDGE_HEADER = "X-Chorus-Edge"
SHAREABLE_STATUSES = {200, 404, 410}
# What the page's content depends on besides its URL: the language comes from the language
# cookie or Accept-Language (LocaleMiddleware); Cookie, for any cache that keys on cookies.
VARY = ("Accept-Language", "Cookie")
KEY_PREFIX = "page:"
# Longer headers than Django parses (trans_real.LANGUAGE_CODE_MAX_LENGTH) are resolved
# without being remembered.
MAX_LANGUAGE_HEADERS_KEPT = 500
# Longest a render may hold the refresh lock before another request may try.
REFRESH_LOCK_SECONDS = 30


def has_personal_cookie(cookies):
    """A session (staff) or a messages cookie: what the visitor sees may be theirs alone."""
    return settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies


def is_personal_request(request):
    return request.method not in ("GET", "HEAD") or has_personal_cookie(request.COOKIES)


def request_language(request):
    return language_of(
        request.path_info,
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
        request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
    )


def language_of(path_info, language_cookie, accept_language):
    """The language LocaleMiddleware will activate for a request, by the same steps: the
    language in the path when the URLs have one (i18n_patterns), else the language cookie,
    else Accept-Language, else LANGUAGE_CODE."""
    prefixed_urls, prefixed_default = is_language_prefix_patterns_used(settings.ROOT_URLCONF)
    if prefixed_urls:
        in_path = translation.get_language_from_path(path_info)
        if in_path:
            return in_path
        if not prefixed_default:
            return settings.LANGUAGE_CODE
    if len(accept_language) + len(language_cookie or "") > MAX_LANGUAGE_HEADERS_KEPT:
        return _language_of_headers.__wrapped__(language_cookie, accept_language)
    return _language_of_headers(language_cookie, accept_language)


@lru_cache(maxsize=1000)
def _language_of_headers(cookie, accept_language):
    """Django caches the parsing of each header, not the languages it rejects: without this,
    "ja-JP,ja;q=0.9,en;q=0.8" is searched for at each request (60 µs of a 300 µs hit)."""
    headers = SimpleNamespace(
        COOKIES={} if cookie is None else {settings.LANGUAGE_COOKIE_NAME: cookie},
        META={"HTTP_ACCEPT_LANGUAGE": accept_language},
    )
    return translation.get_language_from_request(headers)


@receiver(setting_changed)
def _forget_languages(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LANGUAGE_COOKIE_NAME", "LOCALE_PATHS"}:
        _language_of_headers.cache_clear()


def page_key(request, language):
    """The key of the copy inside Django (`shared_cache(edge=False)`)."""
    host = request.META.get("HTTP_HOST", "")
    return copy_key(request.scheme, host, request.get_full_path(), language, edge=False)


def copy_key(scheme, host, path, language, *, edge):
    """The one key of a public copy: what its content depends on. `edge`: whether the copy is
    served before Django; in the key too, so that looking up a rate-limited list before
    Django is a cheap miss rather than a copy fetched for nothing. The edge names the page by
    the request's own path and query (lib/edge_cache.py), Django by its escaped form: each
    side always builds its keys the same way."""
    parts = (scheme, host, path, language, "edge" if edge else "")
    return KEY_PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def kept_copy(key, *, edge):
    """(the copy to serve, or None; whether this request holds the refresh lock). None when
    there is no copy, and when the copy is stale and this request is the one to render the
    next (it then holds the lock, to `keep` or `release`). `edge`: before Django, only copies
    of whole responses; inside Django, only copies of views' responses (checked here too,
    should two keys ever meet)."""
    entry = cache.get(key)
    if entry is None or entry.get("edge") is not edge:
        return None, False
    if entry["fresh_until"] > time.time():
        return entry, False
    if cache.add(f"{key}:refresh", 1, REFRESH_LOCK_SECONDS):
        return None, True
    return entry, False


def keep(key, status, headers, content, *, edge):
    entry = {
        "fresh_until": time.time() + settings.PUBLIC_CACHE_SECONDS,
        "status": status,
        "headers": headers,
        "content": content,
        "edge": edge,
    }
    cache.set(key, entry, settings.PUBLIC_CACHE_SECONDS + settings.PUBLIC_CACHE_STALE_SECONDS)


def release(key, *, drop):
    """After a render under the refresh lock. `drop` when the render was not kept: a page that
    can no longer be shared (unpublished, say) is not served from its old copy either."""
    if drop:
        cache.delete(key)
    cache.delete(f"{key}:refresh")


def _is_shareable(request, response):
    return (
        not is_personal_request(request)
        and response.status_code in SHAREABLE_STATUSES
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not response.streaming
        and b"csrfmiddlewaretoken" not in response.content
    )


def mark_shareable(response, *, stale_if_error=True):
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_CACHE_SECONDS,
        stale_while_revalidate=settings.PUBLIC_CACHE_STALE_SECONDS,
    )
    if stale_if_error:
        patch_cache_control(response, stale_if_error=settings.PUBLIC_CACHE_STALE_IF_ERROR_SECONDS)
    patch_vary_headers(response, VARY)
    return response


def _render(view, request, args, kwargs, edge, stale_if_error):
    response = view(request, *args, **kwargs)
    if _is_shareable(request, response):
        if edge:
            response[EDGE_HEADER] = "1"
        return mark_shareable(response, stale_if_error=stale_if_error), True
    if not response.has_header("Cache-Control"):
        add_never_cache_headers(response)
    return response, False


def _restored(entry):
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    return response


def shared_cache(view=None, *, edge=True, stale_if_error=True):
    """Share the view's anonymous GETs. `edge=True`: lib/edge_cache.py keeps and serves the
    copy before Django, and this only marks the response. `edge=False`, for views whose every
    request must reach Django (a per-visitor rate limit): the copy is kept and served here.
    `stale_if_error=False`: no CDN shows it from a copy a day old while the server is down."""
    if view is None:
        return lambda view: shared_cache(view, edge=edge, stale_if_error=stale_if_error)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if edge or not settings.PUBLIC_PAGE_CACHE or is_personal_request(request):
            return _render(view, request, args, kwargs, edge, stale_if_error)[0]
        key = page_key(request, translation.get_language())
        entry, refreshing = kept_copy(key, edge=False)
        if entry is not None:
            return _restored(entry)
        kept = False
        try:
            response, shareable = _render(view, request, args, kwargs, edge, stale_if_error)
            if shareable:
                headers = list(response.items())
                keep(key, response.status_code, headers, response.content, edge=False)
                kept = True
        finally:
            if refreshing:
                release(key, drop=not kept)
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
