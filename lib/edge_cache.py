"""A copy of the busiest public responses in front of Django, for when no nginx cache or CDN
stands in front of Chorus (config/wsgi.py).

In a surge thousands of people reload the petition page and poll its counter. Served from
here, a fresh copy costs one cache read: no middleware, no URL resolving, no view. What is
kept is the complete response as it left Django (security headers included), and only when
the view asked for it (EDGE_HEADER, set by lib.http_cache.shared_cache and the counter) and
it carries nothing personal: no Set-Cookie, a 200, and a request without a session or a
message cookie. Pages with a per-visitor rate limit (the signatory lists) do not ask, so
their limit still counts every request.

The key has everything a response varies on (Vary: Accept-Language, Cookie): scheme, host,
path and query, Accept-Language and the Cookie header. A copy is kept PUBLIC_CACHE_SECONDS;
after that the request goes to Django, whose page cache serves stale copies while one
request renders the next.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache

EDGE_HEADER = "X-Chorus-Edge"
KEY_PREFIX = "edge:"


def _key(environ):
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    cookies = environ.get("HTTP_COOKIE", "")
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    parts = (
        environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", ""),
        environ.get("HTTP_HOST", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        cookies,
    )
    return KEY_PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _keepable(status, headers):
    names = {name.lower() for name, _value in headers}
    return status.startswith("200 ") and EDGE_HEADER.lower() in names and "set-cookie" not in names


class EdgeCache:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        key = _key(environ) if settings.PUBLIC_PAGE_CACHE else None
        if key is None:
            return self.application(environ, self._without_marker(start_response))
        kept = cache.get(key)
        if kept is not None:
            status, headers, body = kept
            start_response(status, headers)
            return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

        seen = {}

        def capture(status, headers, exc_info=None):
            seen["keep"] = _keepable(status, headers)
            seen["status"] = status
            seen["headers"] = [(n, v) for n, v in headers if n.lower() != EDGE_HEADER.lower()]
            return start_response(seen["status"], seen["headers"], exc_info)

        result = self.application(environ, capture)
        if not seen.get("keep") or environ["REQUEST_METHOD"] == "HEAD":
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()  # Django's request_finished: database connections go back
        cache.set(key, (seen["status"], seen["headers"], body), settings.PUBLIC_CACHE_SECONDS)
        return [body]

    @staticmethod
    def _without_marker(start_response):
        def strip(status, headers, exc_info=None):
            headers = [(n, v) for n, v in headers if n.lower() != EDGE_HEADER.lower()]
            return start_response(status, headers, exc_info)

        return strip
