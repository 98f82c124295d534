"""Moderating solidarity actions in the admin: queue, bulk approval, editing, photos, privacy."""

from datetime import date

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.actions import moderate_actions, release_photos
from campaign.models import Action, Photo, Update
from tests.admin_login import login_verified, make_staff

from .action_factories import SECRETS, jpeg_bytes, make_action, stored_files, upload
from .test_images import jpeg_with_everything

pytestmark = pytest.mark.django_db

APPROVED, PENDING, REJECTED = Action.Status.APPROVED, Action.Status.PENDING, Action.Status.REJECTED
CHANGELIST = reverse("admin:campaign_action_changelist")
ADD = reverse("admin:campaign_action_add")
CONTACT = "reporter.private@example.org"
IP_HASH = "0123456789abcdef0123456789abcdef"


def change_url(action):
    return reverse("admin:campaign_action_change", args=[action.pk])


def staff(username, *, contact_permission=False):
    return make_staff(username, permissions=["view_action_contact"] if contact_permission else [])


def run_action(client, name, actions):
    return client.post(
        CHANGELIST, {"action": name, "_selected_action": [a.pk for a in actions]}, follow=True
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def form_data(action=None, **overrides):
    """What the admin's change form posts for `action` (or a new one)."""
    data = {
        "kind": "picket",
        "title": "Picket at the embassy",
        "date": "2025-05-01",
        "country": "DK",
        "city": "København",
        "place": "Embassy of Meridia",
        "organiser": "Example Solidarity Committee",
        "description": "Thirty people with portraits of the seven.",
        "statement": "",
        "video_url": "",
        "source_url": "",
        "petition": "",
        "status": "approved",
    }
    if action is not None:
        data |= {
            "kind": action.kind,
            "title": action.title,
            "date": action.date.isoformat(),
            "country": action.country.code,
            "city": action.city,
            "place": action.place,
            "organiser": action.organiser,
            "description": action.description,
            "status": action.status,
            "photos": [photo.pk for photo in action.photos.all()],
        }
    return data | overrides


# The Moderators group ----------------------------------------------------------------------


def test_moderators_may_write_news_and_moderate_actions_but_not_see_contacts():
    granted = set(
        Group.objects.get(name="Moderators")
        .permissions.filter(content_type__app_label="campaign")
        .values_list("codename", flat=True)
    )
    models = ["update", "photo", "action", "case", "casestatuschange"]
    expected = {f"{verb}_{model}" for model in models for verb in ("view", "add", "change")}
    assert granted == expected | {"delete_photo", "delete_casestatuschange"}
    assert Permission.objects.filter(
        codename="view_action_contact", content_type__model="action"
    ).exists()


def test_the_petition_permissions_are_kept():
    codenames = set(
        Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    )
    assert {"change_signature", "view_logentry"} <= codenames
    assert "view_signature_email" not in codenames


# The queue and bulk moderation -------------------------------------------------------------


def test_the_queue_lists_pending_reports_with_their_photos(moderator_client, media_root):
    waiting = make_action(status=PENDING, title="Vigil at the consulate", photos=2)
    make_action(status=APPROVED, title="Already published")
    response = moderator_client.get(CHANGELIST + "?queue=review")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vigil at the consulate" in html and "Already published" not in html
    assert "Awaiting review (1)" in html
    assert waiting.photos.order_by("created_at", "pk").first().thumbnail.url in html
    assert '<td class="field-photo_count">2</td>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=pending", {"Pending one"}),
        ("kind__exact=motion", {"Motion one"}),
        ("country=BR", {"Motion one"}),
        ("q=harbour", {"Pending one"}),
        ("q=Recife", {"Motion one"}),
    ],
)
def test_filters_and_search(moderator_client, query, expected):
    make_action(status=PENDING, title="Pending one", description="At the harbour gate")
    make_action(kind="motion", country="BR", city="Recife", title="Motion one")
    make_action(status=REJECTED, title="Rejected one")
    response = moderator_client.get(f"{CHANGELIST}?{query}")
    listed = {action.title for action in response.context["cl"].result_list}
    assert listed == expected


def test_bulk_approve_and_reject_are_logged_per_action(moderator_client, moderator):
    first, second = make_action(status=PENDING), make_action(status=PENDING)
    published = make_action(status=APPROVED)
    before = timezone.now()

    response = run_action(moderator_client, "approve", [first, second, published])
    assert "Approved 2 solidarity actions." in messages_of(response)
    for action in (first, second):
        action.refresh_from_db()
        assert action.status == APPROVED and action.moderated_at >= before
    entries = LogEntry.objects.filter(action_flag=CHANGE, change_message="Approved")
    assert sorted(int(e.object_id) for e in entries) == sorted([first.pk, second.pk])
    assert {e.user_id for e in entries} == {moderator.pk}
    published.refresh_from_db()
    assert published.moderated_at is None  # already approved: untouched, not logged

    response = run_action(moderator_client, "reject", [second])
    assert "Rejected 1 solidarity action." in messages_of(response)
    second.refresh_from_db()
    assert second.status == REJECTED
    assert LogEntry.objects.filter(object_id=str(second.pk), change_message="Rejected").exists()

    response = run_action(moderator_client, "reject", [second])
    assert any("Nothing changed" in message for message in messages_of(response))


def test_approved_reports_become_public(client, moderator):
    action = make_action(status=PENDING, country="KE")
    assert client.get(action.get_absolute_url()).status_code == 404
    moderate_actions(Action.objects.filter(pk=action.pk), APPROVED, moderator)
    assert client.get(action.get_absolute_url()).status_code == 200
    assert 'data-country="KE"' in client.get("/en/actions/map/").content.decode()
    moderate_actions(Action.objects.filter(pk=action.pk), REJECTED, moderator)
    assert client.get(action.get_absolute_url()).status_code == 404


def test_moderators_cannot_set_other_statuses(moderator):
    with pytest.raises(ValueError, match="cannot set"):
        moderate_actions(Action.objects.all(), PENDING, moderator)


def test_the_changelist_costs_the_same_for_many_actions(moderator_client, media_root):
    for _ in range(3):
        make_action(status=PENDING, photos=1)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert moderator_client.get(CHANGELIST).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(10):
        make_action(status=PENDING, photos=1)
    assert queries() == few


# Privacy -----------------------------------------------------------------------------------


def test_moderators_never_see_the_contact_email_or_ip_hash(moderator_client):
    action = make_action(status=PENDING, contact_email=CONTACT, ip_hash=IP_HASH)
    for url in (CHANGELIST, change_url(action)):
        html = moderator_client.get(url).content.decode()
        assert CONTACT not in html and IP_HASH not in html
    # Nor can they guess it letter by letter through the changelist's lookups.
    response = moderator_client.get(f"{CHANGELIST}?contact_email__startswith=r")
    assert response.status_code in (302, 400)
    assert moderator_client.get(f"{CHANGELIST}?ip_hash={IP_HASH}").status_code in (302, 400)
    response = moderator_client.get(f"{CHANGELIST}?q=reporter.private")
    assert list(response.context["cl"].result_list) == []


def test_the_contact_permission_shows_the_email_but_not_the_ip_hash(client):
    login_verified(client, staff("coordinator", contact_permission=True))
    action = make_action(status=PENDING, contact_email=CONTACT, ip_hash=IP_HASH)
    html = client.get(change_url(action)).content.decode()
    assert CONTACT in html and IP_HASH not in html
    response = client.get(f"{CHANGELIST}?q=reporter.private")
    assert list(response.context["cl"].result_list) == [action]


def test_superusers_see_everything(admin_client):
    action = make_action(status=PENDING, contact_email=CONTACT, ip_hash=IP_HASH)
    html = admin_client.get(change_url(action)).content.decode()
    assert CONTACT in html and IP_HASH in html


# Editing and adding --------------------------------------------------------------------------


def test_moderators_edit_every_public_field(moderator_client):
    action = make_action(status=PENDING, title="Pickit at embassy", contact_email=CONTACT)
    data = form_data(action, title="Picket at the embassy", city="Aarhus", statement="We demand.")
    response = moderator_client.post(change_url(action), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    action.refresh_from_db()
    assert (action.title, action.city, action.statement) == (
        "Picket at the embassy",
        "Aarhus",
        "We demand.",
    )
    assert action.status == PENDING and action.moderated_at is None
    assert action.contact_email == CONTACT  # not in the form: kept as it was

    response = moderator_client.post(change_url(action), form_data(action, status="approved"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == APPROVED and action.moderated_at is not None


def test_the_admin_form_applies_the_same_checks(moderator_client):
    action = make_action(status=PENDING)
    data = form_data(action, title="=cmd()", source_url="javascript:alert(1)", date="2999-01-01")
    response = moderator_client.post(change_url(action), data)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"title", "source_url", "date"}


def test_moderators_add_actions_directly_with_photos(moderator_client, media_root, client):
    response = moderator_client.get(ADD)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.fields["status"].initial == APPROVED
    assert "contact_email" not in form.fields and "photos" not in form.fields

    data = form_data(new_photos=[upload(jpeg_with_everything(), "committee.jpg")])
    response = moderator_client.post(ADD, data)
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.status == APPROVED and action.moderated_at is not None
    assert action.slug.startswith("picket-at-the-embassy-")
    assert action.date == date(2025, 5, 1)
    assert action.photos.count() == 1
    for path in stored_files(media_root):
        for secret in SECRETS:
            assert secret not in path.read_bytes()
    client.logout()
    assert client.get(action.get_absolute_url()).status_code == 200


def test_a_refused_photo_in_the_admin_stores_nothing(moderator_client, media_root):
    data = form_data(new_photos=[upload(jpeg_bytes()), upload(b"<html></html>", "fake.jpg")])
    response = moderator_client.post(ADD, data)
    assert response.status_code == 200
    assert "fake.jpg" in str(response.context["adminform"].form.errors["new_photos"])
    assert not Action.objects.exists() and not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_photos_are_added_and_removed_in_the_change_form(
    moderator_client, media_root, django_capture_on_commit_callbacks
):
    action = make_action(status=PENDING, photos=2)
    keep, remove = action.photos.order_by("created_at", "pk")
    html = moderator_client.get(change_url(action)).content.decode()
    assert keep.thumbnail.url in html and remove.thumbnail.url in html
    assert 'id="add_id_photos"' not in html  # no "add another": uploads go through the pipeline

    data = form_data(action, photos=[keep.pk], new_photos=[upload(jpeg_bytes(), "new.jpg")])
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(change_url(action), data)
    assert response.status_code == 302
    photos = set(action.photos.all())
    assert keep in photos and remove not in photos and len(photos) == 2
    # The removed photo was used nowhere else: erased, files included.
    assert not Photo.objects.filter(pk=remove.pk).exists()
    names = {path.name for path in stored_files(media_root)}
    assert remove.image.name.split("/")[-1] not in names
    assert len(names) == 4


def test_a_removed_photo_used_elsewhere_is_kept(media_root):
    action = make_action(photos=1)
    photo = action.photos.get()
    update = Update.objects.create(title="News", slug="news", lead="Lead", body="Body")
    update.gallery.add(photo)
    action.photos.remove(photo)
    assert release_photos([photo]) == 0
    assert Photo.objects.filter(pk=photo.pk).exists()
    update.gallery.clear()
    update.cover = photo
    update.save()
    assert release_photos([photo]) == 0
    update.cover = None
    update.save()
    assert release_photos([photo]) == 1


def test_moderators_cannot_delete_actions(moderator_client):
    action = make_action()
    url = reverse("admin:campaign_action_delete", args=[action.pk])
    assert moderator_client.post(url, {"post": "yes"}).status_code == 403
    assert Action.objects.filter(pk=action.pk).exists()


def test_deleting_an_action_erases_its_unused_photos(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    action = make_action(photos=2)
    url = reverse("admin:campaign_action_delete", args=[action.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Action.objects.exists() and not Photo.objects.exists()
    assert stored_files(media_root) == []
