"""Response headers Django's SecurityMiddleware does not set.

Permissions-Policy switches off the browser features Chorus never uses, so that no script,
even one slipped past the Content Security Policy, can ask a signer for their camera,
microphone or position, and browsers do not put visitors into advertising interest groups.
"""

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class PermissionsPolicyMiddleware:
    """Adds Permissions-Policy to every response (pages, JSON, static and media files, errors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
