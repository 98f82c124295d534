"""Absolute links for what leaves the site (Open Graph tags, feeds): `{% load site_url %}`.

They are built on settings.SITE_URL, never on the Host header of the request.
"""

from urllib.parse import urlsplit

from django import template
from django.conf import settings

register = template.Library()


def absolute_url(url):
    """`url` made absolute on SITE_URL; http(s) URLs (e.g. an object store's) are kept."""
    url = str(url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    if url.startswith("//"):  # protocol-relative, e.g. a storage's custom domain
        return f"{urlsplit(settings.SITE_URL).scheme or 'https'}:{url}"
    return f"{settings.SITE_URL}/{url.lstrip('/')}"


register.filter("absolute_url", absolute_url)
