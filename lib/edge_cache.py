"""The public copy of a page, served before Django (config/wsgi.py): in a surge thousands of
people reload the petition page and poll its counter, and a fresh copy costs one cache read,
no middleware, no URL resolving, no view.

The copy is lib/http_cache.py's (one key, one entry format): the complete response as it left
Django, security headers included, kept under the language it was rendered in (its
Content-Language), looked up under the language LocaleMiddleware would give the request. It
is only kept when the view asked for it (EDGE_HEADER, set by lib.http_cache.shared_cache) and
it carries nothing personal: a 200, no Set-Cookie, and a request without a session or a
message cookie. Pages with a per-visitor rate limit (the signatory lists) do not ask, so their
limit still counts every request. A stale copy is served while one request renders the next.
"""

from http import HTTPStatus

from django.conf import settings
from django.http.cookie import parse_cookie

from lib.http_cache import (
    EDGE_HEADER,
    copy_key,
    has_personal_cookie,
    keep,
    kept_copy,
    language_of,
    release,
)

__all__ = ["EDGE_HEADER", "EdgeCache"]


def _keepable(status, headers):
    names = {name.lower() for name, _value in headers}
    return (
        status.startswith("200 ")
        and EDGE_HEADER.lower() in names
        and "set-cookie" not in names
        and "content-language" in names
    )


def _without_marker(headers):
    return [(name, value) for name, value in headers if name.lower() != EDGE_HEADER.lower()]


def _served(entry, environ, start_response):
    status = entry["status"]
    start_response(f"{status} {HTTPStatus(status).phrase}", entry["headers"])
    return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [entry["content"]]


def _scheme(environ):
    """As Django's HttpRequest.scheme: the proxy's header when SECURE_PROXY_SSL_HEADER says."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure else "http"
    return environ.get("wsgi.url_scheme", "")


def _key(environ, language):
    """Built from the WSGI environ, without Django's request object: a hit of the copy costs
    a cache read and little more (a request object cost a tenth of a hit)."""
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    if query := environ.get("QUERY_STRING"):
        path = f"{path}?{query}"
    return copy_key(_scheme(environ), environ.get("HTTP_HOST", ""), path, language, edge=True)


class EdgeCache:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if not settings.PUBLIC_PAGE_CACHE or method not in ("GET", "HEAD"):
            return self._passed_on(environ, start_response)
        header = environ.get("HTTP_COOKIE", "")
        cookies = parse_cookie(header) if header else {}
        if has_personal_cookie(cookies):
            return self._passed_on(environ, start_response)
        language = language_of(
            environ.get("PATH_INFO", ""),
            cookies.get(settings.LANGUAGE_COOKIE_NAME),
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        )
        key = _key(environ, language)
        entry, refreshing = kept_copy(key, edge=True)
        if entry is not None:
            return _served(entry, environ, start_response)
        stored = None
        try:
            result, stored = self._rendered(environ, start_response)
        finally:
            if refreshing:
                release(key, drop=method == "GET" and stored != key)
        return result

    def _passed_on(self, environ, start_response):
        def strip(status, headers, exc_info=None):
            return start_response(status, _without_marker(headers), exc_info)

        return self.application(environ, strip)

    def _rendered(self, environ, start_response):
        """(the response's body, the key it was kept under or None). A HEAD is answered
        without a body, so only a GET's response is kept."""
        seen = {}

        def capture(status, headers, exc_info=None):
            seen["keep"] = environ["REQUEST_METHOD"] == "GET" and _keepable(status, headers)
            seen["headers"] = _without_marker(headers)
            return start_response(status, seen["headers"], exc_info)

        result = self.application(environ, capture)
        if not seen.get("keep"):
            return result, None
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()  # Django's request_finished: database connections go back
        headers = seen["headers"]
        language = next(value for name, value in headers if name.lower() == "content-language")
        key = _key(environ, language)
        keep(key, 200, headers, body, edge=True)
        return [body], key
