"""The people we campaign for: the public page, the summary line, and the back office."""

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import trans_real
from PIL import Image

from campaign.models import Case, CaseStatusChange, Photo
from tests.admin_login import login_verified
from tests.campaign.test_images import jpeg_bytes, jpeg_with_everything

Status = Case.Status
CASES = reverse("campaign:cases")
CHANGELIST = reverse("admin:campaign_case_changelist")
ADD = reverse("admin:campaign_case_add")
TODAY = timezone.localdate()
TAKEN = TODAY - timedelta(days=40)
MEDIA_SECRETS = (b"XMP-SECRET-LOCATION", b"COMMENT-SECRET", b"IPTC-SECRET", b"SecretCam", b"Exif")


def text_of(response):
    """The visible text of a page, whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def change_url(case):
    return reverse("admin:campaign_case_change", args=[case.pk])


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture
def make_case(db):
    """A case with a dated history: make_case("Name", ("detained", date, note), …)."""

    def make(name, *history, **fields):
        slug = fields.pop("slug", name.lower().replace(" ", "-"))
        case = Case.objects.create(name=name, slug=slug, **fields)
        for status, when, *note in history:
            case.change_status(status, when, note[0] if note else "")
        case.refresh_from_db()
        return case

    return make


@pytest.fixture
def seven(make_case):
    """Seven organisers taken on one day; four released one by one, one case not public."""
    people = []
    for n, name in enumerate(["Ilan Vey", "Dora Quist", "Teo Marrow"]):
        people.append(make_case(name, (Status.DETAINED, TAKEN), order=n))
    for n, name in enumerate(["Pim Sollow", "Ada Krenn", "Uri Falk", "Nell Ostby"], start=3):
        released = TAKEN + timedelta(days=5 * n)
        people.append(
            make_case(name, (Status.DETAINED, TAKEN), (Status.RELEASED, released), order=n)
        )
    make_case("Hidden Person", (Status.MISSING, TAKEN), is_public=False)
    return people


# The summary line --------------------------------------------------------------------------


def render_summary(case_summary):
    html = render_to_string("campaign/cases/_summary.html", {"case_summary": case_summary})
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_summary_counts_public_cases_only(seven):
    assert Case.objects.summary() == [
        (Status.DETAINED, "Detained", 3),
        (Status.RELEASED, "Released", 4),
    ]
    text = render_summary(Case.objects.summary())
    assert "3 still detained , 4 released" in text
    assert "missing" not in text  # the only missing person is not public
    html = render_to_string("campaign/cases/_summary.html", {"case_summary": [("detained", "", 3)]})
    assert f'href="{CASES}"' in html


def test_summary_wording_for_every_status_in_singular_and_plural():
    for count in (1, 2):
        summary = [(status, label, count) for status, label in Status.choices]
        text = render_summary(summary)
        assert (
            f"{count} still missing , {count} still detained , {count} charged , "
            f"{count} sentenced , {count} released"
        ) in text


def test_summary_renders_nothing_without_public_cases(db, make_case):
    make_case("Hidden Person", (Status.DETAINED, TAKEN), is_public=False)
    assert Case.objects.summary() == []
    assert render_to_string("campaign/cases/_summary.html", {"case_summary": []}).strip() == ""


@pytest.fixture
def french_plurals(monkeypatch):
    """French translations of the detained and released phrases, singular and plural."""
    monkeypatch.setattr(trans_real, "_translations", {})  # restored after the test
    french = trans_real.translation("fr")
    catalog = french._catalog
    phrases = {
        "<strong>%(counter)s</strong> still detained": ("toujours détenu", "toujours détenus"),
        "<strong>%(counter)s</strong> released": ("libéré", "libérés"),
    }
    for msgid, (singular, plural) in phrases.items():
        catalog[(msgid, french.plural(1))] = f"<strong>%(counter)s</strong> {singular}"
        catalog[(msgid, french.plural(3))] = f"<strong>%(counter)s</strong> {plural}"


def test_summary_phrases_use_the_plural_forms_of_the_language(french_plurals):
    with translation.override("fr"):
        one = render_summary([("detained", "", 1), ("released", "", 1)])
        many = render_summary([("detained", "", 3), ("released", "", 4)])
    assert "1 toujours détenu , 1 libéré" in one
    assert "3 toujours détenus , 4 libérés" in many


# The public page ---------------------------------------------------------------------------


def test_cases_page_shows_each_public_person_with_status_and_history(client, make_case):
    moderator = User.objects.create_user("case-moderator-name", is_staff=True)
    case = make_case(
        "Sami Orlen",
        (Status.DETAINED, TAKEN, "Taken from the picket in front of the press club."),
        biography="**Student organiser.** <script>alert(1)</script>Loves chess.",
    )
    case.change_status(Status.CHARGED, TAKEN + timedelta(days=3), "Charged with sedition.")
    case.change_status(Status.RELEASED, TAKEN + timedelta(days=20), "Out on bail.", moderator)
    make_case("Hidden Person", (Status.MISSING, TAKEN), is_public=False)

    response = client.get(CASES)
    assert response.status_code == 200
    html, text = response.content.decode(), text_of(response)
    assert "Hidden Person" not in html
    assert f'id="{case.slug}"' in html and f'href="#{case.slug}"' in html
    assert "Sami Orlen" in text
    assert "<strong>Student organiser.</strong>" in html
    assert "<script>alert" not in html  # the biography is sanitised
    assert '<span class="badge chorus-status chorus-status-released">Released</span>' in html
    released = date_format(TAKEN + timedelta(days=20), "DATE_FORMAT")
    assert f"since {released}" in text
    # The history, newest first, with its public notes; never who recorded it.
    notes = ["Out on bail.", "Charged with sedition.", "Taken from the picket"]
    positions = [text.index(note) for note in notes]
    assert positions == sorted(positions)
    assert "case-moderator-name" not in html
    assert response.context["case_summary"] == [(Status.RELEASED, "Released", 1)]
    assert "1 released" in text


def test_cases_page_orders_by_order_then_name_and_summarises(client, seven):
    response = client.get(CASES)
    text = text_of(response)
    assert "3 still detained , 4 released" in text
    names = [case.name for case in seven]
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    assert response.context["og_title"] == "The people we campaign for"
    html = response.content.decode()
    assert '<meta property="og:description" content="3 still detained, 4 released">' in html


def test_cases_page_shows_thumbnails(client, make_case, media_root):
    photo = Photo.from_upload(SimpleUploadedFile("face.jpg", jpeg_bytes()), caption="x")
    case = make_case("Lior Banes", (Status.DETAINED, TAKEN), photo=photo)
    html = client.get(CASES).content.decode()
    assert f'src="{photo.thumbnail.url}"' in html
    assert 'alt="Photo of Lior Banes"' in html
    assert f'content="http://testserver{photo.image.url}"' in html  # og:image, absolute
    assert case.get_absolute_url() == f"{CASES}#lior-banes"


def test_cases_page_without_anyone(client, db):
    response = client.get(CASES)
    assert response.status_code == 200
    assert "No one is listed here yet." in text_of(response)
    assert "still detained" not in text_of(response)


def test_cases_page_query_count_is_constant(client, make_case, media_root):
    def add(n, start):
        for i in range(start, start + n):
            photo = Photo.from_upload(SimpleUploadedFile("p.jpg", jpeg_bytes()))
            case = make_case(f"Person {i:02d}", (Status.DETAINED, TAKEN, "Taken."), photo=photo)
            case.change_status(Status.RELEASED, TAKEN + timedelta(days=i), "Released.")

    add(3, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(CASES).status_code == 200
    add(9, 3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(CASES)
    assert "12 released" in text_of(response)
    assert len(few) == len(many) <= 3  # cases with photos, their histories, the summary


# The summary on the petition page ----------------------------------------------------------


def test_petition_page_has_no_summary_without_cases(client, petition, make_case):
    make_case("Hidden Person", (Status.DETAINED, TAKEN), is_public=False)
    response = client.get(petition.get_absolute_url())
    assert response.context["case_summary"] == []
    assert "chorus-case-summary" not in response.content.decode()


def test_petition_page_summarises_all_cases_when_none_is_linked(client, petition, seven):
    response = client.get(petition.get_absolute_url())
    text = text_of(response)
    assert "3 still detained , 4 released" in text
    assert f'href="{CASES}"' in response.content.decode()


def test_petition_page_summarises_only_the_cases_linked_to_it(
    client, petition, make_petition, seven
):
    other = make_petition()
    for case in seven[:2] + seven[5:]:  # two detained, two released
        case.petitions.add(petition)
    seven[2].petitions.add(other)
    assert "2 still detained , 2 released" in text_of(client.get(petition.get_absolute_url()))
    # Another petition with no linked cases shows every public case.
    third = make_petition()
    assert "3 still detained , 4 released" in text_of(client.get(third.get_absolute_url()))


def test_petition_page_query_count_does_not_grow_with_cases(client, petition, make_case):
    def count():
        cache.clear()  # the petition's counts are cached: measure them every time
        with CaptureQueriesContext(connection) as queries:
            assert client.get(petition.get_absolute_url()).status_code == 200
        return len(queries)

    without = count()
    make_case("Person 0", (Status.DETAINED, TAKEN))
    unlinked = count()
    for i in range(1, 7):
        make_case(f"Person {i}", (Status.DETAINED, TAKEN)).petitions.add(petition)
    assert without == unlinked == count()


# The back office ---------------------------------------------------------------------------

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
