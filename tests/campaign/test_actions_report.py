"""Reporting an action with the public form: stored pending with safe photos, or refused whole."""

import re
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.db.models import QuerySet
from django.test import RequestFactory
from django.urls import reverse

from campaign.models import Action, Photo
from campaign.views.actions import report_action
from lib.ip import ip_hash
from petition.models import Petition

from .action_factories import SECRETS, jpeg_bytes, report_data, stored_files, upload
from .test_images import jpeg_with_everything, png_claiming

pytestmark = pytest.mark.django_db

URL = "/en/actions/report/"


def post(client, data=None, photos=(), **extra):
    payload = dict(data if data is not None else report_data())
    if photos:
        payload["photos"] = list(photos)
    return client.post(URL, payload, **extra)


def assert_nothing_stored(media_root):
    assert not Action.objects.exists()
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def field_error(response, field):
    """The error messages rendered next to `field` (crispy's invalid-feedback for its id)."""
    html = response.content.decode()
    return " ".join(
        re.findall(rf'<[^>]+id="error_\d+_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    )


def test_the_url_and_the_form():
    assert reverse("campaign:report_action") == URL


def test_the_form_page(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input[^>]+type="file"[^>]+name="photos"[^>]+multiple', html)
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert 'type="date"' in html
    assert "Your email address (private)" in html
    assert "Never shown publicly" in html
    assert 'name="consent"' in html
    assert "<script>" not in html and 'style="' not in html


def test_a_report_with_photos_is_stored_pending_and_clean(client, media_root):
    response = post(
        client,
        photos=[upload(jpeg_with_everything(), "at-the-embassy.jpg"), upload(jpeg_bytes())],
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign:report_thanks")
    action = Action.objects.get()
    assert action.status == Action.Status.PENDING
    assert action.moderated_at is None
    assert action.title == "Motion of solidarity passed"
    assert action.kind == Action.Kind.MOTION
    assert action.country == "GB"
    assert action.contact_email == "secretary@example.org"
    assert action.statement.startswith("This branch notes")
    assert action.slug.startswith("motion-of-solidarity-passed-")
    assert action.ip_hash == ip_hash("203.0.113.9") and "203.0.113.9" not in action.ip_hash
    assert action.photos.count() == 2

    files = stored_files(media_root)
    assert len(files) == 4  # display size and thumbnail for each
    assert not any("embassy" in path.name for path in files)
    for path in files:
        content = path.read_bytes()
        assert content.startswith(b"\xff\xd8\xff")
        for secret in SECRETS:
            assert secret not in content, (path.name, secret)

    # Pending: not public anywhere yet.
    assert client.get(action.get_absolute_url()).status_code == 404
    assert action.title not in client.get("/en/actions/").content.decode()
    assert client.get(URL + "thanks/").status_code == 200


def test_a_report_without_photos(client, media_root):
    assert post(client).status_code == 302
    assert Action.objects.get().photos.count() == 0
    assert stored_files(media_root) == []


def test_iso_dates_work_in_every_language(client, media_root):
    response = post(client, HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 302
    assert Action.objects.get().date == date.today() - timedelta(days=3)


def test_the_contact_email_is_a_sensitive_post_parameter():
    request = RequestFactory().post(URL, report_data())
    request.session = {}
    request._dont_enforce_csrf_checks = True
    with mock.patch("campaign.views.actions.render") as render:
        render.return_value = None
        with mock.patch("campaign.actions.report_action"):
            report_action(request)
    assert request.sensitive_post_parameters == ("contact_email",)


FUTURE = (date.today() + timedelta(days=5)).isoformat()
BAD_INPUT = [
    ("kind", "", "This field is required"),
    ("kind", "riot", "Select a valid choice"),
    ("title", "", "This field is required"),
    ("title", '=HYPERLINK("http://evil.example")', "cannot start with ="),
    ("title", "Picket\x07 at the embassy", "invisible or control characters"),
    ("title", "x" * 151, "at most 150 characters"),
    ("organiser", "", "This field is required"),
    ("organiser", "@everyone", "cannot start with ="),
    ("city", "", "This field is required"),
    ("country", "", "This field is required"),
    ("country", "XX", "Select a valid choice"),
    ("date", "", "This field is required"),
    ("date", "yesterday", "Enter a valid date"),
    ("date", FUTURE, "in the future"),
    ("date", "1999-05-01", "Please check the year"),
    ("place", "+1 consulate", "cannot start with ="),
    ("description", "", "This field is required"),
    ("description", "Banners\u202eand flags", "invisible or control characters"),
    ("statement", "-resolves", "cannot start with ="),
    ("video_url", "javascript:alert(1)", "Enter a valid URL"),
    ("video_url", "ftp://example.org/video.mp4", "starting with https://"),
    ("source_url", "not a link", "Enter a valid URL"),
    ("contact_email", "", "This field is required"),
    ("contact_email", "not-an-address", "Enter a valid email address"),
    ("consent", "", "We need your agreement"),
]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    BAD_INPUT,
    ids=[f"{f}-{i}" for i, (f, *_) in enumerate(BAD_INPUT)],
)
def test_bad_input_is_refused_next_to_its_field(client, media_root, field, value, message):
    data = report_data(**{field: value})
    if value == "":
        del data[field]
    response = post(client, data, photos=[upload(jpeg_bytes())])
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert message in field_error(response, field)
    html = response.content.decode()
    assert "Nothing has been stored yet" in html
    assert "please choose them again" in html  # file inputs never keep a file
    assert_nothing_stored(media_root)


REFUSED_FILES = [
    ("notes.txt", b"Just some text, not an image at all.", "JPEG, PNG or WebP"),
    ("page.jpg", b"<!doctype html><html><script>alert(1)</script></html>", "JPEG, PNG or WebP"),
    ("map.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "JPEG, PNG or WebP"),
    ("cut.jpg", jpeg_bytes((640, 480))[:1200], "damaged or incomplete"),
    ("bomb.png", png_claiming(30000, 30000), "too many pixels"),
]


@pytest.mark.parametrize(
    ("name", "content", "message"), REFUSED_FILES, ids=[r[0] for r in REFUSED_FILES]
)
def test_a_refused_file_is_named_and_nothing_is_stored(client, media_root, name, content, message):
    good = upload(jpeg_bytes(), "good.jpg")
    response = post(client, photos=[good, upload(content, name)])
    assert response.status_code == 200
    errors = field_error(response, "photos")
    assert f"{name}:" in errors and message in errors
    assert "good.jpg" not in errors
    assert_nothing_stored(media_root)


def test_at_most_six_photos(client, media_root):
    response = post(client, photos=[upload(jpeg_bytes(), f"p{i}.jpg") for i in range(7)])
    assert response.status_code == 200
    assert "at most 6 photos" in field_error(response, "photos")
    assert_nothing_stored(media_root)


def test_if_storing_fails_halfway_nothing_remains(client, media_root):
    real_save = FileSystemStorage._save
    calls = []

    def failing_save(storage, name, content):
        calls.append(name)
        if len(calls) == 3:  # the second photo's display size: the first is on disk already
            raise OSError("disk full")
        return real_save(storage, name, content)

    photos = [upload(jpeg_bytes(), "one.jpg"), upload(jpeg_bytes(), "two.jpg")]
    with mock.patch.object(FileSystemStorage, "_save", failing_save):
        response = post(client, photos=photos)
    assert len(calls) == 3
    assert response.status_code == 200
    assert "could not store your report" in response.content.decode()
    assert_nothing_stored(media_root)


def test_if_the_database_refuses_nothing_remains(client, media_root):
    with (
        mock.patch.object(QuerySet, "bulk_create", side_effect=RuntimeError("database down")),
        pytest.raises(RuntimeError),
    ):
        post(client, photos=[upload(jpeg_bytes()), upload(jpeg_bytes())])
    assert_nothing_stored(media_root)


def test_no_petition_field_without_public_petitions(client, make_petition):
    make_petition(status=Petition.Status.DRAFT)
    form = client.get(URL).context["form"]
    assert "petition" not in form.fields


def test_one_public_petition_is_linked_without_asking(client, media_root, make_petition):
    petition = make_petition()
    make_petition(status=Petition.Status.DRAFT)
    html = client.get(URL).content.decode()
    assert re.search(rf'<input type="hidden" name="petition" value="{petition.pk}"', html)
    assert post(client, report_data(petition=petition.pk)).status_code == 302
    assert Action.objects.get().petition == petition


def test_several_petitions_are_a_choice_without_drafts(client, media_root, make_petition):
    first, second = make_petition(), make_petition(status=Petition.Status.CLOSED)
    draft = make_petition(status=Petition.Status.DRAFT)
    form = client.get(URL).context["form"]
    assert set(form.fields["petition"].queryset) == {first, second}
    response = post(client, report_data(petition=draft.pk))
    assert "Select a valid choice" in field_error(response, "petition")
    assert post(client, report_data(petition=second.pk)).status_code == 302
    assert Action.objects.get().petition == second


def test_a_file_name_is_shown_escaped(client, media_root):
    name = "<img src=x onerror=alert(1)>.jpg"
    response = post(client, photos=[upload(b"not an image", name)])
    html = response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;.jpg:" in html and name not in html
    assert_nothing_stored(media_root)


def test_too_many_files_in_one_request_is_a_bad_request_not_an_error(client, media_root):
    client.raise_request_exception = False
    response = post(client, photos=[upload(jpeg_bytes(), f"p{i}.jpg") for i in range(13)])
    assert response.status_code == 400
    assert_nothing_stored(media_root)
