"""Uploaded photos, made safe to publish.

Protest photos can endanger the people in them, so every upload is checked by its
content (JPEG, PNG and WebP only, with size and pixel limits read from the header
before anything is decoded), then redrawn into a new image: no EXIF (GPS included),
XMP, IPTC, ICC or comment survives. It is turned upright per its EXIF orientation,
resized for display and as a thumbnail, and given a random name.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel camera; decoding one takes ~150 MB
MAX_SIDE = 12_000
DISPLAY_SIZE = (1600, 1600)
THUMBNAIL_SIZE = (480, 480)
JPEG_QUALITY = 84

# Magic numbers: what the first bytes of each accepted format must be.
SIGNATURES = {
    "JPEG": (b"\xff\xd8\xff",),
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "WEBP": (b"RIFF",),
}
ACCEPTED = _("Please upload a photo in JPEG, PNG or WebP format.")


@dataclass
class SafeImage:
    display: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _sniff(head):
    for format_name, prefixes in SIGNATURES.items():
        if head.startswith(prefixes):
            if format_name == "WEBP" and head[8:12] != b"WEBP":
                continue
            return format_name
    return None


def _encode(image, size):
    copy = image.copy()
    copy.thumbnail(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # No exif/icc_profile/comment arguments: a fresh JPEG carries none of them.
    copy.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue(), copy.size


def _flatten(image):
    """A fresh RGB image with the pixels only: no info dict, no metadata, no frames."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    rgb = image.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def make_safe(upload):
    """Check and re-encode an uploaded file; raises ValidationError with a message for the user."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This file is %(size)s; photos can be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    expected = _sniff(head)
    if expected is None:
        raise ValidationError(ACCEPTED, code="format")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=[expected])
        except Image.DecompressionBombError:
            raise _too_many_pixels() from None
        except (OSError, SyntaxError, ValueError):
            raise ValidationError(
                _("This file is not a photo we can read."), code="unreadable"
            ) from None
        width, height = image.size
        if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
            raise _too_many_pixels(width, height)
        try:
            image.seek(0)  # the first frame of an animation
            image.load()
            upright = ImageOps.exif_transpose(image)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise ValidationError(
                _("This photo is damaged or incomplete. Please upload it again."),
                code="damaged",
            ) from None
    clean = _flatten(upright)
    display, (display_width, display_height) = _encode(clean, DISPLAY_SIZE)
    thumbnail, _size = _encode(clean, THUMBNAIL_SIZE)
    name = uuid.uuid4().hex
    return SafeImage(
        display=ContentFile(display, name=f"{name}.jpg"),
        thumbnail=ContentFile(thumbnail, name=f"{name}-thumb.jpg"),
        width=display_width,
        height=display_height,
    )


def _too_many_pixels(width=None, height=None):
    if width is None:
        return ValidationError(_("This photo has too many pixels."), code="pixels")
    return ValidationError(
        _(
            "This photo is %(width)s×%(height)s pixels; "
            "please upload one under %(limit)s megapixels."
        )
        % {"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000},
        code="pixels",
    )
