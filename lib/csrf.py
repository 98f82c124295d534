"""CSRF for forms served on shared, cached pages, where a per-visitor token cannot be.

The sign form sits on the petition page, which nginx or a CDN may hand to thousands of
visitors (lib/http_cache.py); the language menu is on every page. Their views are marked
`token_free`: instead of Django's token, the browser's own headers say where the POST
comes from, as Go's net/http CrossOriginProtection does (https://words.filippo.io/csrf/):

- `Sec-Fetch-Site` (every current browser): same-origin, or none (typed, bookmarked) pass;
- else `Origin` (older browsers send it on every cross-origin POST) must be this site or
  one of CSRF_TRUSTED_ORIGINS;
- else, over HTTPS, the Referer must be this site, as Django requires;
- a request with none of them does not come from a browser, and CSRF is an attack through
  a victim's browser.

A cross-site POST is refused with the same friendly page as a missing token. Every other
view keeps Django's token check.
"""

from functools import wraps

from django.middleware import csrf

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
SAME_ORIGIN = ("same-origin", "none")


def token_free(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.csrf_token_free = True
    return wrapped


class TokenFreeFormsMiddleware:
    """Placed before Django's CsrfViewMiddleware, which keeps checking every other view."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Django's own Origin and Referer checks, reused as they are.
        self.django_checks = csrf.CsrfViewMiddleware(get_response)

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if (
            not getattr(callback, "csrf_token_free", False)
            or request.method in SAFE_METHODS
            or getattr(request, "_dont_enforce_csrf_checks", False)
        ):
            return None
        reason = self._cross_origin_reason(request)
        if reason:
            return self.django_checks._reject(request, reason)
        request.csrf_processing_done = True  # Django's middleware then lets it through
        return None

    def _cross_origin_reason(self, request):
        checks = self.django_checks
        has_origin = "HTTP_ORIGIN" in request.META
        site = request.META.get("HTTP_SEC_FETCH_SITE")
        if site is not None:
            # Another site the campaign trusts (its main website embedding the form) may post.
            if site in SAME_ORIGIN or (has_origin and checks._origin_verified(request)):
                return None
            return f"Cross-origin request (Sec-Fetch-Site: {site})."
        if has_origin:
            if checks._origin_verified(request):
                return None
            return csrf.REASON_BAD_ORIGIN % request.META["HTTP_ORIGIN"]
        if request.is_secure():
            try:
                checks._check_referer(request)
            except csrf.RejectRequest as exc:
                return exc.reason
        return None
