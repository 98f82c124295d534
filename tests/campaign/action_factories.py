"""Builders shared by the tests of solidarity actions (tests/campaign/test_actions*.py)."""

import io
import itertools
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from campaign.models import Action, Photo
from lib.images import make_safe

_sequence = itertools.count(1)

SECRETS = (b"XMP-SECRET-LOCATION", b"COMMENT-SECRET", b"IPTC-SECRET", b"SecretCam", b"Exif")


def make_action(status=Action.Status.APPROVED, photos=0, **fields):
    """An action in any state, with `photos` small clean photos attached."""
    n = next(_sequence)
    defaults = {
        "kind": Action.Kind.PICKET,
        "title": f"Picket at the consulate {n}",
        "organiser": f"Example Trades Council {n}",
        "city": "Lyon",
        "country": "FR",
        "date": timezone.localdate() - timedelta(days=n % 30),
        "place": "the consulate",
        "description": "Forty people gathered with banners.",
        "contact_email": f"reporter{n}@example.org",
        "ip_hash": f"{n:032x}",
        "status": status,
    }
    action = Action(**(defaults | fields))
    action.assign_slug()
    action.save()
    for _ in range(photos):
        safe = make_safe(upload(jpeg_bytes()))
        photo = Photo()
        photo.image.save(safe.display.name, safe.display, save=False)
        photo.thumbnail.save(safe.thumbnail.name, safe.thumbnail, save=False)
        photo.save()
        action.photos.add(photo)
    return action


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_bytes(size=(320, 240), colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def report_data(**overrides):
    """A valid POST for the report form (without photos)."""
    data = {
        "kind": "motion",
        "title": "Motion of solidarity passed",
        "date": (date.today() - timedelta(days=3)).isoformat(),
        "country": "GB",
        "city": "Leeds",
        "place": "Branch meeting",
        "organiser": "Example Teachers Union, Leeds branch",
        "description": "The branch passed a motion of solidarity unanimously.",
        "statement": "This branch notes the detention of the organisers\nand resolves to act.",
        "video_url": "",
        "source_url": "https://example.org/news/motion",
        "contact_email": "secretary@example.org",
        "consent": "on",
    }
    return data | overrides


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())
