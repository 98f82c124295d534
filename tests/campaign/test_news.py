"""News updates: publishing rules, staff preview, the Atom feed, and photo uploads in the admin."""

import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from campaign.admin.news import UpdateAdmin
from campaign.models import Photo, Update
from petition.models import Petition
from tests.campaign.test_images import GPS_IFD, jpeg_with_everything

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_URL = "https://campaign.example.org"
SECRETS = (b"XMP-SECRET-LOCATION", b"COMMENT-SECRET", b"IPTC-SECRET", b"SecretCam", b"Exif")


@pytest.fixture
def make_update(db):
    count = iter(range(1, 10_000))

    def make(**fields):
        n = next(count)
        defaults = {
            "title": f"Update number {n}",
            "slug": f"update-{n}",
            "lead": f"What happened this week ({n}).",
            "body": "The campaign goes on.",
            "status": Update.Status.PUBLISHED,
            "publish_at": timezone.now() - timedelta(hours=n),
        }
        petitions = fields.pop("petitions", [])
        update = Update.objects.create(**(defaults | fields))
        update.petitions.set(petitions)
        return update

    return make


@pytest.fixture
def media(media_root):
    return media_root


def parse_feed(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 - our own feed, written by Django


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


def jpeg(name="photo.jpg", colour=(0, 128, 0)):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def photo(caption="A picket line"):
    return Photo.from_upload(jpeg(), caption=caption)


@pytest.fixture
def scheduled(make_update):
    """A published, a draft and a scheduled update."""
    return {
        "published": make_update(title="Solidarity grows in the ports"),
        "draft": make_update(title="Draft only for the team", status=Update.Status.DRAFT),
        "future": make_update(
            title="Embargoed until Monday", publish_at=timezone.now() + timedelta(days=2)
        ),
    }


def staff_user(username="editor", *, permission=True):
    user = User.objects.create_user(username, password="a-long-test-password", is_staff=True)
    if permission:
        user.user_permissions.add(Permission.objects.get(codename="change_update"))
    return user


# Publishing rules ----------------------------------------------------------------------------


def test_list_shows_only_published_updates_newest_first(client, scheduled, make_update):
    older = make_update(title="An older story", publish_at=timezone.now() - timedelta(days=30))
    response = client.get(reverse("campaign:updates"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [scheduled["published"], older]
    html = response.content.decode()
    assert "Solidarity grows in the ports" in html
    assert "Draft only for the team" not in html
    assert "Embargoed until Monday" not in html


def test_drafts_and_future_updates_are_not_found_for_the_public(client, scheduled):
    assert client.get(scheduled["published"].get_absolute_url()).status_code == 200
    for key in ("draft", "future"):
        response = client.get(scheduled[key].get_absolute_url())
        assert response.status_code == 404
        assert scheduled[key].title not in response.content.decode()
    assert client.get(reverse("campaign:update", args=["no-such-update"])).status_code == 404


def test_a_scheduled_update_appears_once_its_date_has_passed(client, scheduled, monkeypatch):
    future = scheduled["future"]
    assert future not in Update.objects.published()
    assert future not in client.get(reverse("campaign:home")).context["updates"]
    later = timezone.now() + timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(future.get_absolute_url()).status_code == 200
    listed = client.get(reverse("campaign:updates")).context["page"].object_list
    assert list(listed) == [future, scheduled["published"]]
    feed = parse_feed(client.get(reverse("campaign:updates_feed")))
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Embargoed until Monday", "Solidarity grows in the ports"]
    assert client.get(reverse("campaign:home")).context["updates"][0] == future


def test_staff_who_may_edit_updates_can_preview(client, scheduled):
    client.force_login(staff_user())
    for key, note in (("draft", "This update is a draft."), ("future", "It will appear on")):
        response = client.get(scheduled[key].get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert "Preview — not published." in html
        assert note in html
        assert scheduled[key].title in html
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-cache" in response["Cache-Control"]
        assert '<meta name="robots" content="noindex, nofollow">' in html
    # A published update is shown normally, even to staff.
    html = client.get(scheduled["published"].get_absolute_url()).content.decode()
    assert "Preview — not published." not in html
    # Previews never leak into the list.
    listed = client.get(reverse("campaign:updates")).context["page"].object_list
    assert list(listed) == [scheduled["published"]]


def test_others_cannot_preview(client, scheduled):
    users = [
        User.objects.create_user("supporter", password="a-long-test-password"),
        staff_user("staff-without-permission", permission=False),
    ]
    for user in users:
        client.force_login(user)
        assert client.get(scheduled["draft"].get_absolute_url()).status_code == 404
        assert client.get(scheduled["future"].get_absolute_url()).status_code == 404


# Pages ---------------------------------------------------------------------------------------


def test_detail_renders_sanitised_markdown_gallery_and_related_petitions(
    client, make_update, make_petition, media
):
    open_petition = make_petition(title="Release the dockworkers")
    draft_petition = make_petition(title="Unannounced petition", status=Petition.Status.DRAFT)
    update = make_update(
        title="The hearing was postponed",
        body="**Bold** news.\n\n<script>alert('x')</script>\n\n[link](javascript:alert(1))",
        cover=photo("Supporters outside the court"),
        petitions=[open_petition, draft_petition],
    )
    gallery = [photo("First picket"), photo("Second picket")]
    update.gallery.set(gallery)
    html = client.get(update.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert update.cover.image.url in html
    assert 'alt="Supporters outside the court"' in html
    for item in gallery:
        assert item.thumbnail.url in html and item.image.url in html
    assert open_petition.get_absolute_url() in html
    assert "Unannounced petition" not in html
    assert "style=" not in html and "<script>" not in html


def test_detail_links_to_the_neighbouring_published_updates(client, make_update):
    now = timezone.now()
    oldest = make_update(title="Oldest", publish_at=now - timedelta(days=3))
    middle = make_update(title="Middle", publish_at=now - timedelta(days=2))
    make_update(title="Draft between", publish_at=now - timedelta(days=1), status="draft")
    newest = make_update(title="Newest", publish_at=now - timedelta(hours=1))
    context = client.get(middle.get_absolute_url()).context
    assert (context["older"], context["newer"]) == (oldest, newest)
    context = client.get(newest.get_absolute_url()).context
    assert (context["older"], context["newer"]) == (middle, None)


def test_list_is_paginated_by_ten(client, make_update):
    for _ in range(12):
        make_update()
    first = client.get(reverse("campaign:updates"))
    assert len(first.context["page"].object_list) == 10
    assert 'rel="next"' in first.content.decode()
    second = client.get(reverse("campaign:updates"), {"page": 2})
    assert len(second.context["page"].object_list) == 2
    assert '<meta name="robots" content="noindex, follow">' in second.content.decode()
    for page in ("3", "x", "0"):
        assert client.get(reverse("campaign:updates"), {"page": page}).status_code == 404


def test_list_query_count_does_not_grow_with_updates(
    client, make_update, media, django_assert_max_num_queries
):
    for _ in range(3):
        make_update(cover=photo())
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("campaign:updates"))
    assert len(response.context["page"].object_list) == 3
    assert len(few) <= 3  # the count and the page, covers joined in; their texts
    for _ in range(9):
        make_update(cover=photo())
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("campaign:updates"))
    assert len(response.context["page"].object_list) == 10
    assert response.content.decode().count("chorus-update-card-photo") == 10


# The Atom feed -------------------------------------------------------------------------------


def test_feed_is_valid_atom_with_absolute_links_and_only_published_entries(
    client, settings, scheduled, make_update
):
    settings.SITE_URL = SITE_URL
    settings.SITE_NAME = "Example Solidarity"
    tricky = make_update(
        title='Docks & <Dockers> say "no"',
        lead="Lead with <b>markup</b> & an ampersand.",
        body="Full **text**.",
        publish_at=timezone.now() - timedelta(minutes=1),
    )
    response = client.get(reverse("campaign:updates_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    raw = response.content
    assert b"<Dockers>" not in raw and b"<b>markup" not in raw
    assert b"testserver" not in raw  # links come from SITE_URL, never the request's host

    feed = parse_feed(response)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "News from Example Solidarity"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Example Solidarity"
    assert feed.findtext(f"{ATOM}updated")
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == SITE_URL + reverse("campaign:updates_feed")
    assert links["alternate"] == SITE_URL + reverse("campaign:updates")

    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        'Docks & <Dockers> say "no"',
        "Solidarity grows in the ports",
    ]
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == SITE_URL + tricky.get_absolute_url()
    assert first.findtext(f"{ATOM}id").startswith("tag:campaign.example.org,")
    assert first.findtext(f"{ATOM}published") and first.findtext(f"{ATOM}updated")
    summary = first.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # HTML, escaped: a reader shows the lead's "<b>" as text instead of running it.
    assert summary.text == "Lead with &lt;b&gt;markup&lt;/b&gt; &amp; an ampersand."
    assert "<strong>text</strong>" in first.findtext(f"{ATOM}content")


def test_feed_holds_the_latest_twenty_with_absolute_cover_images(
    client, settings, make_update, media
):
    settings.SITE_URL = SITE_URL
    with_cover = make_update(title="Newest with a cover", cover=photo())
    for _ in range(22):
        make_update()
    feed = parse_feed(client.get(reverse("campaign:updates_feed")))
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 20
    assert entries[0].findtext(f"{ATOM}title") == "Newest with a cover"
    content = entries[0].findtext(f"{ATOM}content")
    assert f'src="{SITE_URL}{with_cover.cover.image.url}"' in content


# Admin: writing updates with photos ----------------------------------------------------------


def admin_form_data(**overrides):
    now = timezone.now()
    data = {
        "title": "Pickets in five cities",
        "slug": "pickets-in-five-cities",
        "lead": "Supporters gathered outside embassies.",
        "body": "They came with banners.",
        "status": Update.Status.PUBLISHED,
        "publish_at_0": now.strftime("%Y-%m-%d"),
        "publish_at_1": now.strftime("%H:%M:%S"),
        "cover": "",
        "gallery": "",
        "cover_caption": "",
        "_save": "Save",
    }
    return data | overrides


def assert_clean_jpeg(field):
    with default_storage.open(field.name) as stored:
        content = stored.read()
    for secret in SECRETS:
        assert secret not in content
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert not image.getexif().get_ifd(GPS_IFD)
    return image


def test_admin_upload_of_cover_and_gallery_strips_metadata(admin_client, media, petition):
    cover = SimpleUploadedFile("IMG_2041.jpg", jpeg_with_everything(), content_type="image/jpeg")
    gallery = [
        SimpleUploadedFile("a.jpg", jpeg_with_everything(), content_type="image/jpeg"),
        jpeg("b.jpg"),
    ]
    response = admin_client.post(
        reverse("admin:campaign_update_add"),
        admin_form_data(
            cover_upload=cover,
            cover_caption="Banner at the consulate",
            gallery_upload=gallery,
            petitions=[petition.pk],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    update = Update.objects.get()
    assert update.cover.caption == "Banner at the consulate"
    display = assert_clean_jpeg(update.cover.image)
    assert display.size == (100, 200)  # turned upright per its EXIF orientation
    assert_clean_jpeg(update.cover.thumbnail)
    assert update.gallery.count() == 2
    for item in update.gallery.all():
        assert_clean_jpeg(item.image)
        assert_clean_jpeg(item.thumbnail)
    assert "IMG_2041" not in update.cover.image.name
    assert list(update.petitions.all()) == [petition]
    assert len(stored_files(media)) == 6


@pytest.mark.parametrize("field", ["cover_upload", "gallery_upload"])
def test_admin_refuses_a_bad_file_next_to_the_field_and_stores_nothing(admin_client, media, field):
    html_file = SimpleUploadedFile(
        "holiday.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    files = [jpeg("good.jpg"), html_file] if field == "gallery_upload" else html_file
    response = admin_client.post(
        reverse("admin:campaign_update_add"), admin_form_data(**{field: files})
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert "JPEG, PNG or WebP" in str(errors[field])
    # The message is in the field's own error list, inside the field's row.
    html = response.content.decode()
    row = html[html.index(f'class="form-row field-{field}"') :]
    row = row[: row.index('class="form-row', 10)]
    assert f'<ul class="errorlist" id="id_{field}_error"><li>' in row
    assert "Please upload a photo in JPEG, PNG or WebP format." in row
    assert Update.objects.count() == 0
    assert Photo.objects.count() == 0
    assert stored_files(media) == []


def test_a_failure_after_storing_leaves_no_photo_and_no_file(admin_client, media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the log could not be written")

    monkeypatch.setattr(UpdateAdmin, "log_addition", fail)
    with pytest.raises(RuntimeError):
        admin_client.post(
            reverse("admin:campaign_update_add"),
            admin_form_data(cover_upload=jpeg(), gallery_upload=[jpeg("g.jpg")]),
        )
    assert Update.objects.count() == 0
    assert Photo.objects.count() == 0
    assert stored_files(media) == []


def test_admin_change_form_removes_and_adds_gallery_photos(admin_client, media, make_update):
    keep, drop = photo("Keep me"), photo("Drop me")
    update = make_update(status=Update.Status.DRAFT)
    update.gallery.set([keep, drop])
    url = reverse("admin:campaign_update_change", args=[update.pk])
    html = admin_client.get(url).content.decode()
    assert keep.thumbnail.url in html and drop.thumbnail.url in html
    assert "Preview" in html and update.get_absolute_url() in html
    data = admin_form_data(
        title=update.title,
        slug=update.slug,
        status=Update.Status.DRAFT,
        gallery=f"{keep.pk},{drop.pk}",
        gallery_remove=[drop.pk],
        gallery_upload=[jpeg("new.jpg")],
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    gallery = set(update.gallery.all())
    assert keep in gallery and drop not in gallery and len(gallery) == 2
    assert Photo.objects.filter(pk=drop.pk).exists()  # still under Photos, to delete for good


def test_admin_changelist_shows_whether_each_update_is_live(admin_client, scheduled):
    response = admin_client.get(reverse("admin:campaign_update_changelist"))
    assert response.status_code == 200
    rows = {update.title: live for update, live in _live_column(response)}
    assert rows == {
        "Solidarity grows in the ports": True,
        "Draft only for the team": False,
        "Embargoed until Monday": False,
    }


def _live_column(response):
    admin = response.context["cl"].model_admin
    return [(update, admin.is_live(update)) for update in response.context["cl"].result_list]


# Admin: the photo library --------------------------------------------------------------------


def test_photo_admin_upload_list_and_erase(admin_client, media, django_capture_on_commit_callbacks):
    response = admin_client.post(
        reverse("admin:campaign_photo_add"),
        {
            "upload": SimpleUploadedFile(
                "DSC_0001.jpg", jpeg_with_everything(), content_type="image/jpeg"
            ),
            "caption": "Vigil by the river",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    stored = Photo.objects.get()
    assert (stored.width, stored.height) == (100, 200)
    assert_clean_jpeg(stored.image)
    assert len(stored_files(media)) == 2

    html = admin_client.get(reverse("admin:campaign_photo_changelist")).content.decode()
    assert stored.thumbnail.url in html and "Vigil by the river" in html

    refused = admin_client.post(
        reverse("admin:campaign_photo_add"),
        {"upload": SimpleUploadedFile("x.jpg", b"GIF89a not a photo"), "_save": "Save"},
    )
    assert refused.status_code == 200 and "upload" in refused.context["adminform"].form.errors
    assert Photo.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:campaign_photo_delete", args=[stored.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert Photo.objects.count() == 0
    assert stored_files(media) == []


def test_photo_admin_bulk_delete_erases_files(
    admin_client, media, django_capture_on_commit_callbacks
):
    photos = [photo(), photo()]
    assert len(stored_files(media)) == 4
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:campaign_photo_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [p.pk for p in photos],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert Photo.objects.count() == 0
    assert stored_files(media) == []
