"""Serving uploaded media from the app itself (when no web server or object store does).

Every stored upload is a JPEG re-encoded by lib.images under a random name, so responses
can be cached for good; the sandboxing CSP and nosniff make sure that, whatever a file
held, a browser never runs it as a page or script.
"""

import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".webp": "image/webp"}  # fmt: skip


@require_safe
def serve_media(request, path):
    path = posixpath.normpath(path).lstrip("/")
    extension = posixpath.splitext(path)[1].lower()
    if path.startswith("..") or extension not in MEDIA_TYPES or not default_storage.exists(path):
        raise Http404
    response = FileResponse(default_storage.open(path), content_type=MEDIA_TYPES[extension])
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
