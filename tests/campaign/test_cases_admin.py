"""The people we campaign for in the back office: statuses with their history, photos."""

import io
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from campaign.models import Case, CaseStatusChange, Photo
from tests.admin_login import login_verified
from tests.campaign.test_images import jpeg_bytes, jpeg_with_everything

from .case_factories import (
    ADD,
    CHANGELIST,
    MEDIA_SECRETS,
    TAKEN,
    TODAY,
    Status,
    change_url,
    stored_files,
    text_of,
)

MODERATOR_PERMISSIONS = [
    "view_case", "add_case", "change_case",
    "view_casestatuschange", "change_casestatuschange", "delete_casestatuschange",
]  # fmt: skip


@pytest.fixture
def moderator(db):
    user = User.objects.create_user("case-moderator", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="campaign", codename__in=MODERATOR_PERMISSIONS
        )
    )
    return user


@pytest.fixture
def admin_client(client, moderator):
    login_verified(client, moderator)
    return client


def form_data(case, **changes):
    """What the admin change form posts for `case`, its history rows included."""
    history = list(case.history.all())
    data = {
        "name": case.name,
        "slug": case.slug,
        "biography": case.biography,
        "order": case.order,
        "new_status": "",
        "status_date": TODAY.isoformat(),
        "status_note": "",
        "history-TOTAL_FORMS": len(history),
        "history-INITIAL_FORMS": len(history),
        "history-MIN_NUM_FORMS": 0,
        "history-MAX_NUM_FORMS": 1000,
    }
    if case.is_public:
        data["is_public"] = "on"
    for i, change in enumerate(history):
        data |= {f"history-{i}-id": change.pk, f"history-{i}-case": case.pk}
        data[f"history-{i}-note"] = change.note
    return data | changes


def log_messages(case):
    entries = LogEntry.objects.filter(object_id=str(case.pk), content_type__model="case")
    return [entry.get_change_message() for entry in entries.order_by("pk")]


def form_errors(response):
    return response.context["adminform"].form.errors


def test_changelist_lists_filters_and_searches(admin_client, seven):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    text = text_of(response)
    assert "Hidden Person" in text and "Ilan Vey" in text
    released = text_of(admin_client.get(CHANGELIST, {"status__exact": "released"}))
    assert "Pim Sollow" in released and "Ilan Vey" not in released
    hidden = text_of(admin_client.get(CHANGELIST, {"is_public__exact": "0"}))
    assert "Hidden Person" in hidden and "Ilan Vey" not in hidden
    assert "Dora Quist" in text_of(admin_client.get(CHANGELIST, {"q": "quist"}))


def test_changelist_query_count_is_constant(admin_client, make_case, petition):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(queries)

    for i in range(3):
        make_case(f"Person {i}", (Status.DETAINED, TAKEN)).petitions.add(petition)
    few = count()
    for i in range(3, 12):
        make_case(f"Person {i}", (Status.DETAINED, TAKEN)).petitions.add(petition)
    assert count() == few


def test_order_is_editable_in_the_list(admin_client, seven):
    first, second = seven[0], seven[1]
    data = {
        "form-TOTAL_FORMS": 2,
        "form-INITIAL_FORMS": 2,
        "form-0-id": first.pk,
        "form-0-order": 50,
        "form-1-id": second.pk,
        "form-1-order": 0,
        "_save": "Save",
    }
    assert admin_client.post(CHANGELIST, data).status_code == 302
    first.refresh_from_db()
    assert first.order == 50


def test_adding_a_case_records_its_first_status(admin_client, moderator):
    data = {
        "name": "Rhea Tamsin",
        "slug": "rhea-tamsin",
        "biography": "A *nurse* and union delegate.",
        "order": 3,
        "is_public": "on",
        "new_status": "detained",
        "status_date": TAKEN.isoformat(),
        "status_note": "Taken at the hospital gate.",
        "history-TOTAL_FORMS": 0,
        "history-INITIAL_FORMS": 0,
    }
    response = admin_client.post(ADD, data)
    assert response.status_code == 302
    case = Case.objects.get(slug="rhea-tamsin")
    assert (case.status, case.status_since) == (Status.DETAINED, TAKEN)
    change = case.history.get()
    assert (change.note, change.recorded_by) == ("Taken at the hospital gate.", moderator)
    assert log_messages(case) == [f"Added. Status: detained since {TAKEN.isoformat()}."]


def test_a_new_case_needs_a_status(admin_client):
    data = {"name": "Rhea Tamsin", "slug": "rhea-tamsin", "order": 0, "status_date": ""}
    data |= {"history-TOTAL_FORMS": 0, "history-INITIAL_FORMS": 0}
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    assert "new_status" in form_errors(response)
    assert not Case.objects.exists()


def test_status_change_through_the_admin_records_history(admin_client, moderator, make_case):
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN, "Taken."))
    released = TODAY - timedelta(days=2)
    data = form_data(
        case, new_status="released", status_date=released.isoformat(), status_note="Home."
    )
    response = admin_client.post(change_url(case), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.status_since) == (Status.RELEASED, released)
    latest = case.history.first()
    assert (latest.status, latest.date, latest.note) == (Status.RELEASED, released, "Home.")
    assert latest.recorded_by == moderator
    assert case.history.count() == 2
    message = log_messages(case)[-1]
    assert message == f"Status: detained → released since {released.isoformat()}."
    entry = LogEntry.objects.filter(object_id=str(case.pk)).latest("pk")
    assert entry.user == moderator


def test_change_message_lists_other_fields_and_the_status(admin_client, make_case):
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN))
    data = form_data(case, biography="A teacher.", new_status="charged", status_note="Court.")
    assert admin_client.post(change_url(case), data).status_code == 302
    assert log_messages(case)[-1] == (
        f"Changed Short biography. Status: detained → charged since {TODAY.isoformat()}."
    )
    # Saving without a new status changes no status and says nothing about it.
    case.refresh_from_db()
    assert admin_client.post(change_url(case), form_data(case)).status_code == 302
    assert log_messages(case)[-1] == "No fields changed."
    assert case.history.count() == 2


def test_an_earlier_status_is_added_to_the_history_without_changing_the_current_one(
    admin_client, make_case
):
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN), (Status.RELEASED, TODAY))
    earlier = TAKEN + timedelta(days=1)
    data = form_data(case, new_status="charged", status_date=earlier.isoformat())
    assert admin_client.post(change_url(case), data).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RELEASED
    assert list(case.history.values_list("status", flat=True)) == [
        "released", "charged", "detained"
    ]  # fmt: skip
    assert log_messages(case)[-1] == (
        f"Added an earlier entry to the history: charged on {earlier.isoformat()}. "
        "Status: still released."
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"status_note": "A note alone."}, "new_status", "Choose the status this note is about"),
        (
            {"new_status": "released", "status_date": (TODAY + timedelta(days=1)).isoformat()},
            "status_date",
            "cannot be in the future",
        ),
        ({"new_status": "released", "status_date": ""}, "status_date", "When did the status"),
        ({"new_status": "freed"}, "new_status", "Select a valid choice"),
    ],
)
def test_status_change_mistakes_are_refused(admin_client, make_case, changes, field, message):
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN))
    response = admin_client.post(change_url(case), form_data(case, **changes))
    assert response.status_code == 200
    assert message in " ".join(form_errors(response)[field])
    assert case.history.count() == 1
    case.refresh_from_db()
    assert case.status == Status.DETAINED


def test_history_notes_can_be_corrected(admin_client, make_case):
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN, "Taken from teh picket."))
    change = case.history.get()
    data = form_data(case) | {"history-0-note": "Taken from the picket."}
    assert admin_client.post(change_url(case), data).status_code == 302
    change.refresh_from_db()
    assert change.note == "Taken from the picket."
    assert (change.status, change.date) == (Status.DETAINED, TAKEN)
    assert "Changed Public note for status change" in log_messages(case)[-1]


def test_history_rows_are_read_only_but_for_the_note(admin_client, make_case):
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN))
    change = case.history.get()
    data = form_data(case) | {"history-0-status": "released", "history-0-date": "2001-01-01"}
    assert admin_client.post(change_url(case), data).status_code == 302
    change.refresh_from_db()
    assert (change.status, change.date) == (Status.DETAINED, TAKEN)
    page = admin_client.get(change_url(case)).content.decode()
    assert 'name="history-0-note"' in page and 'name="history-0-status"' not in page
    assert 'name="history-__prefix__-note"' not in page  # no empty rows to add


def test_deleting_a_wrong_history_row_recomputes_the_status(admin_client, make_case):
    released = TAKEN + timedelta(days=9)
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN), (Status.RELEASED, released))
    assert case.status == Status.RELEASED
    wrong = case.history.first()
    assert wrong.status == Status.RELEASED  # newest first, so it is row 0
    data = form_data(case) | {"history-0-DELETE": "on"}
    assert admin_client.post(change_url(case), data).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.status_since) == (Status.DETAINED, TAKEN)
    assert not CaseStatusChange.objects.filter(pk=wrong.pk).exists()
    message = log_messages(case)[-1]
    assert message.startswith("Deleted status change")
    assert message.endswith(f"Status: released → detained since {TAKEN.isoformat()}.")


def test_photo_upload_through_the_admin_strips_metadata(admin_client, make_case, media_root):
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN))
    upload = SimpleUploadedFile("IMG_1234.jpg", jpeg_with_everything(), "image/jpeg")
    response = admin_client.post(change_url(case), form_data(case, photo_upload=upload))
    assert response.status_code == 302
    case.refresh_from_db()
    photo = case.photo
    assert photo is not None and photo.caption == "Ilan Vey"
    files = stored_files(media_root)
    assert len(files) == 2  # display and thumbnail
    for path in files:
        content = path.read_bytes()
        assert "IMG_1234" not in path.name
        for secret in MEDIA_SECRETS:
            assert secret not in content
        image = Image.open(io.BytesIO(content))
        assert len(image.getexif()) == 0
    assert (photo.width, photo.height) == (100, 200)  # turned upright
    assert log_messages(case)[-1] == "Changed Photo."
    page = admin_client.get(change_url(case)).content.decode()
    assert photo.thumbnail.url in page  # the preview


def test_a_bad_photo_is_refused_next_to_the_field_and_nothing_is_saved(
    admin_client, make_case, media_root
):
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN))
    upload = SimpleUploadedFile("photo.jpg", b"<!doctype html><script>alert(1)</script>")
    data = form_data(case, name="Renamed", photo_upload=upload, new_status="released")
    response = admin_client.post(change_url(case), data)
    assert response.status_code == 200
    assert "JPEG, PNG or WebP" in " ".join(form_errors(response)["photo_upload"])
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []
    case.refresh_from_db()
    assert (case.name, case.status, case.history.count()) == ("Ilan Vey", Status.DETAINED, 1)


def test_replacing_or_clearing_a_photo_erases_the_old_one(
    admin_client, make_case, media_root, django_capture_on_commit_callbacks
):
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN))
    first = SimpleUploadedFile("a.jpg", jpeg_bytes(), "image/jpeg")
    assert admin_client.post(change_url(case), form_data(case, photo_upload=first)).status_code
    case.refresh_from_db()
    old = case.photo
    old_files = stored_files(media_root)

    second = SimpleUploadedFile("b.jpg", jpeg_bytes(), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change_url(case), form_data(case, photo_upload=second))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.photo != old and not Photo.objects.filter(pk=old.pk).exists()
    assert not set(old_files) & set(stored_files(media_root))
    assert len(stored_files(media_root)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url(case), form_data(case, **{"photo_upload-clear": "on"})
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.photo is None
    assert not Photo.objects.exists() and stored_files(media_root) == []


def test_a_photo_used_elsewhere_is_kept(admin_client, make_case, media_root):
    photo = Photo.from_upload(SimpleUploadedFile("p.jpg", jpeg_bytes()))
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN), photo=photo)
    make_case("Dora Quist", (Status.DETAINED, TAKEN), photo=photo)
    data = form_data(case, **{"photo_upload-clear": "on"})
    assert admin_client.post(change_url(case), data).status_code == 302
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_the_moderators_group_can_record_a_status_change(client, make_case):
    volunteer = User.objects.create_user("volunteer", password="x", is_staff=True)
    volunteer.groups.add(Group.objects.get(name="Moderators"))
    login_verified(client, volunteer)
    case = make_case("Ilan Vey", (Status.DETAINED, TAKEN))
    assert client.get(CHANGELIST).status_code == 200
    response = client.post(change_url(case), form_data(case, new_status="released"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RELEASED
    assert case.history.first().recorded_by == volunteer
