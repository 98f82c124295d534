"""Demo data for the campaign: the seven organisers, news updates and solidarity actions.

Called by `manage.py load_demo`; the data itself is in demo_data.toml. Every person,
organisation and place is invented (the country of Meridia does not exist); addresses are at
example.org, links at example.org or example.net. Photos are placeholders drawn with Pillow
and go through the same pipeline as uploads. Each row is keyed on its slug (actions on a UUID
derived from their title, which makes their slug): running again creates only what is
missing, and `reset()` removes exactly these rows and their photos.
"""

import io
import tomllib
import uuid
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from campaign.models import Action, Case, Photo, Update
from lib.ip import ip_hash

DATA_FILE = Path(__file__).with_name("demo_data.toml")
TRANSLATIONS_FILE = Path(__file__).with_name("demo_translations.toml")
ACTION_NAMESPACE = uuid.UUID("6f1d2c1e-3b4a-4c55-9d2e-7a8b9c0d1e2f")
PORTRAIT_COLOURS = ["5c3d8c", "145a78", "8a5a00", "1e6b3a", "7a1d16"]


@cache
def data():
    with DATA_FILE.open("rb") as file:
        return tomllib.load(file)


@cache
def translations():
    with TRANSLATIONS_FILE.open("rb") as file:
        return tomllib.load(file)


def _translate(obj, kind):
    """The object's texts in the other languages of demo_translations.toml, if it has any."""
    for code, texts in translations()[kind].get(obj.slug, {}).items():
        obj.create_translation(code, **texts)


def rgb(hex_colour):
    return tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: a small bitmap font
        return ImageFont.load_default()


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def placeholder_jpeg(lines, colour, size=(960, 640)):
    """A plain coloured placard with a line or two of text: stands in for a photo."""
    image = Image.new("RGB", size, rgb(colour))
    draw = ImageDraw.Draw(image)
    width, height = size
    font_sizes = [height // 9, height // 16]
    top = height // 2 - font_sizes[0]
    for line, font_size in zip(lines, font_sizes, strict=False):
        font = _font(font_size)
        box = draw.textbbox((0, 0), line, font=font)
        draw.text(((width - (box[2] - box[0])) // 2, top), line, fill="white", font=font)
        top += int(font_size * 1.6)
    return _jpeg(image)


def portrait_jpeg(initials, colour, size=600):
    """A head-and-shoulders silhouette with initials: stands in for a portrait."""
    background = rgb(colour)
    light = tuple(min(255, c + 70) for c in background)
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.32, size * 0.14, size * 0.68, size * 0.50), fill=light)
    draw.ellipse((size * 0.14, size * 0.56, size * 0.86, size * 1.25), fill=light)
    font = _font(size // 7)
    box = draw.textbbox((0, 0), initials, font=font)
    draw.text(((size - (box[2] - box[0])) // 2, size * 0.70), initials, fill=background, font=font)
    return _jpeg(image)


def _photo(content, caption):
    upload = SimpleUploadedFile("demo.jpg", content, content_type="image/jpeg")
    return Photo.from_upload(upload, caption=caption[:200])


def action_uuid(title):
    return uuid.uuid5(ACTION_NAMESPACE, title)


def load(petition, moderator=None, today=None):
    """Create whatever demo campaign data is missing; returns how many of each it created."""
    today = today or timezone.localdate()
    return {
        "cases": _cases(petition, moderator, today),
        "updates": _updates(petition),
        "actions": _actions(petition, today),
    }


def _taken(today):
    return today - timedelta(days=data()["taken_days_ago"])


def _cases(petition, moderator, today):
    taken, created = _taken(today), 0
    rows = data()["cases"]
    existing = set(
        Case.objects.filter(slug__in=[row["slug"] for row in rows]).values_list("slug", flat=True)
    )
    for order, row in enumerate(rows, start=1):
        if row["slug"] in existing:
            continue
        initials = "".join(part[0] for part in row["name"].split())
        portrait = portrait_jpeg(initials, PORTRAIT_COLOURS[order % len(PORTRAIT_COLOURS)])
        case = Case.objects.create(
            name=row["name"],
            slug=row["slug"],
            original_language="en",
            biography=row["biography"],
            order=order,
            photo=_photo(portrait, row["name"]),
        )
        _translate(case, "cases")
        case.petitions.add(petition)
        change = case.change_status(Case.Status.DETAINED, taken, data()["taken_note"], moderator)
        for code, texts in translations()["notes"]["taken"].items():
            change.create_translation(code, **texts)
        if days := row["released_after"]:
            note = data()["released_note"] % {"days": days}
            change = case.change_status(
                Case.Status.RELEASED, taken + timedelta(days=days), note, moderator
            )
            for code, texts in translations()["notes"]["released"].items():
                change.create_translation(code, note=texts["note"] % {"days": days})
        created += 1
    return created


def _updates(petition):
    now, created = timezone.now(), 0
    for row in data()["updates"]:
        if Update.objects.filter(slug=row["slug"]).exists():
            continue
        cover = None
        if row.get("cover"):
            banner, subtitle, colour = row["cover"]
            image = placeholder_jpeg([banner, subtitle], colour, size=(1200, 630))
            cover = _photo(image, banner)
        update = Update.objects.create(
            slug=row["slug"],
            original_language="en",
            title=row["title"],
            lead=row["lead"],
            body=row["body"],
            status=row["status"],
            publish_at=now + timedelta(days=row["days"]),
            cover=cover,
        )
        _translate(update, "updates")
        update.petitions.add(petition)
        created += 1
    return created


def _actions(petition, today):
    now, taken, created = timezone.now(), _taken(today), 0
    rows = data()["actions"]
    known = set(
        Action.objects.filter(uuid__in=[action_uuid(row["title"]) for row in rows]).values_list(
            "uuid", flat=True
        )
    )
    for n, row in enumerate(rows):
        if action_uuid(row["title"]) in known:
            continue
        status = row.get("status", Action.Status.APPROVED)
        reported = n % 3 == 0  # reported through the public form: a private contact
        action = Action(
            uuid=action_uuid(row["title"]),
            original_language="en",
            kind=row["kind"],
            title=row["title"],
            organiser=row["organiser"],
            city=row["city"],
            country=row["country"],
            date=min(today, taken + timedelta(days=row["day"])),
            place=row.get("place", ""),
            description=row["description"],
            statement=row.get("statement", ""),
            video_url=row.get("video_url", ""),
            source_url=row.get("source_url", ""),
            petition=petition,
            status=status,
            moderated_at=now if status == Action.Status.APPROVED else None,
            contact_email=f"action.reporter.{n + 1}@example.org" if reported else "",
            ip_hash=ip_hash(f"192.0.2.{200 + n % 50}") if reported else "",
        )
        action.assign_slug()
        action.save()
        photos = row.get("photos", [])
        action.photos.add(*(_photo(placeholder_jpeg([b], c), row["title"]) for b, c in photos))
        created += 1
    return created


def reset():
    """Delete the demo campaign rows, and their photos with their files."""
    cases = Case.objects.filter(slug__in=[row["slug"] for row in data()["cases"]])
    updates = Update.objects.filter(slug__in=[row["slug"] for row in data()["updates"]])
    uuids = [action_uuid(row["title"]) for row in data()["actions"]]
    actions = Action.objects.filter(uuid__in=uuids)
    photo_ids = {
        *cases.values_list("photo", flat=True),
        *updates.values_list("cover", flat=True),
        *updates.values_list("gallery", flat=True),
        *actions.values_list("photos", flat=True),
    } - {None}
    photos = list(Photo.objects.filter(pk__in=photo_ids))
    for queryset in (cases, updates, actions):
        queryset.delete()
    for photo in photos:
        photo.erase()


def describe(created):
    """One line for the command's report."""
    cases = Case.objects.public()
    summary = ", ".join(f"{count} {label.lower()}" for _status, label, count in cases.summary())
    return (
        f"Campaign: {cases.count()} people we campaign for ({summary}), "
        f"{Update.objects.published().count()} published news updates, "
        f"{Action.objects.public().count()} solidarity actions and "
        f"{Action.objects.awaiting_moderation().count()} awaiting review "
        f"(created now: {created['cases']} people, {created['updates']} updates, "
        f"{created['actions']} actions)."
    )
