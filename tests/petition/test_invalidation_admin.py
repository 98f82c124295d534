"""Bulk invalidation through the admin pages, as a volunteer moderator uses it."""

from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petition import moderation
from petition.models import Invalidation, Signature, SignatureCount, Signer
from tests.admin_login import login_verified, make_staff

Status = Signer.Status
State = Invalidation.State
ADD = reverse("admin:petition_invalidation_add")
CHANGELIST = reverse("admin:petition_invalidation_changelist")
HASH = "0123456789abcdef0123456789abcdef"


def change_url(invalidation):
    return reverse("admin:petition_invalidation_change", args=[invalidation.pk])


def run_url(invalidation):
    return reverse("admin:petition_invalidation_run", args=[invalidation.pk])


def undo_url(invalidation):
    return reverse("admin:petition_invalidation_undo", args=[invalidation.pk])


def staff(username, *, groups=("Moderators",), email_permission=False):
    permissions = ["view_signature_email"] if email_permission else []
    return make_staff(username, groups=groups, permissions=permissions)


def conditions(petition, **fields):
    data = {
        "petition": petition.pk,
        "ip_hash": "",
        "email_domain": "",
        "name_pattern": "",
        "country": "",
        "signed_after_0": "",
        "signed_after_1": "",
        "signed_before_0": "",
        "signed_before_1": "",
        "statuses": ["pending", "confirmed", "approved", "suspected"],
        "new_status": "spam",
        "_continue": "Preview",
    }
    return data | fields


def page(response):
    return unescape(response.content.decode())


@pytest.fixture
def flood(petition, make_signature):
    bots = [
        make_signature(
            petition,
            full_name=f"Bot {n}",
            email=f"bot{n}@flood.example.net",
            country="PK",
            status=[Status.APPROVED, Status.CONFIRMED, Status.PENDING][n % 3],
        )
        for n in range(25)
    ]
    honest = make_signature(petition, full_name="Honest Signer", email="h@example.org")
    return bots, honest


@pytest.mark.django_db
def test_moderators_may_view_add_and_change_but_never_delete(moderator):
    for action in ("view", "add", "change"):
        assert moderator.has_perm(f"petition.{action}_invalidation")
    assert not moderator.has_perm("petition.delete_invalidation")


@pytest.mark.django_db
def test_moderator_previews_runs_and_undoes(
    moderator_client, moderator, petition, flood, django_capture_on_commit_callbacks
):
    bots, honest = flood
    figures = petition.compute_counts()
    assert figures["total"] == 18

    response = moderator_client.post(ADD, conditions(petition, email_domain="*.example.net"))
    invalidation = Invalidation.objects.get()
    assert response.status_code == 302 and response.url == change_url(invalidation)
    assert invalidation.state == State.DRAFT and invalidation.created_by == moderator

    preview = page(moderator_client.get(change_url(invalidation)))
    assert "25 signatures match these conditions now." in preview
    assert "The latest 20 matching signatures" in preview
    assert "Bot 24" in preview and "Honest Signer" not in preview
    assert "flood.example.net" not in preview.replace('value="*.example.net"', "")
    assert 'http-equiv="refresh"' not in preview
    assert "Run: set 25 signatures to “Spam”" in preview

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(run_url(invalidation))
    assert response.status_code == 302 and response.url == change_url(invalidation)
    invalidation.refresh_from_db()
    assert invalidation.state == State.DONE
    assert invalidation.processed == invalidation.matched == 25
    assert Signature.objects.filter(status=Status.SPAM).count() == 25
    assert petition.compute_counts()["total"] == 1
    assert SignatureCount.rebuild(petition) is False

    done = page(moderator_client.get(change_url(invalidation)))
    assert "25 of 25 matching signatures processed." in done
    assert "Undo this invalidation" in done and "Run:" not in done

    # A moderator approves one of them meanwhile: the undo leaves it alone, and says so.
    # One that never confirmed its address cannot be approved out of spam.
    never_confirmed, changed_since = bots[2], bots[1]
    outcome = moderation.moderate(
        Signature.objects.filter(pk__in=[never_confirmed.pk, changed_since.pk]),
        Status.APPROVED,
        moderator,
    )
    assert (outcome.changed, outcome.skipped) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(undo_url(invalidation))
    assert response.status_code == 302
    invalidation.refresh_from_db()
    assert invalidation.state == State.UNDONE
    assert (invalidation.restored, invalidation.undo_skipped) == (24, 1)
    assert Signature.objects.get(pk=changed_since.pk).status == Status.APPROVED
    assert petition.compute_counts()["total"] == figures["total"]  # it was counted before too
    assert SignatureCount.rebuild(petition) is False
    undone = page(moderator_client.get(change_url(invalidation)))
    assert "24 signatures restored to their previous status; 1 left alone" in undone
    assert "Undo this invalidation" not in undone


@pytest.mark.django_db
def test_the_preview_shows_emails_only_with_the_permission(client, petition, flood):
    invalidation = Invalidation.objects.create(petition=petition, country="PK")
    login_verified(client, staff("reader", email_permission=True))
    assert "bot24@flood.example.net" in page(client.get(change_url(invalidation)))
    login_verified(client, staff("volunteer"))
    assert "@flood.example.net" not in page(client.get(change_url(invalidation)))


@pytest.mark.django_db
def test_a_condition_less_invalidation_is_refused_with_a_message(moderator_client, petition):
    response = moderator_client.post(ADD, conditions(petition))
    assert response.status_code == 200
    assert "Choose at least one condition besides the petition" in page(response)
    response = moderator_client.post(ADD, conditions(petition, name_pattern="**"))
    assert response.status_code == 200
    assert "A pattern made only of wildcards matches everyone." in page(response)
    assert not Invalidation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email_domain": "exa mple.org"}, "Enter a domain such as example.org"),
        ({"ip_hash": "<script>"}, "An IP hash is made of up to 32 hexadecimal digits."),
        ({"name_pattern": "x" * 121}, "Ensure this value has at most 120 characters"),
        ({"country": "XX"}, "Select a valid choice."),
        ({"country": "PK", "statuses": ["spam"]}, "Select a valid choice."),
        ({"country": "PK", "statuses": []}, "Choose at least one status."),
        ({"country": "PK", "new_status": "approved"}, "Select a valid choice."),
        ({"signed_after_0": "2026-13-45", "signed_after_1": "25:00"}, "Enter a valid date"),
        (
            {
                "signed_after_0": "2026-11-02",
                "signed_after_1": "10:00",
                "signed_before_0": "2026-11-01",
                "signed_before_1": "10:00",
            },
            "The end of the time window must be after its start.",
        ),
    ],
)
def test_bad_conditions_are_field_errors_never_a_500(moderator_client, petition, fields, message):
    response = moderator_client.post(ADD, conditions(petition, **fields))
    assert response.status_code == 200
    assert message in page(response)
    assert not Invalidation.objects.exists()


@pytest.mark.django_db
def test_a_running_invalidation_refreshes_its_page_and_shows_progress(moderator_client, petition):
    invalidation = Invalidation.objects.create(
        petition=petition, ip_hash=HASH, state=State.RUNNING, matched=1200, processed=500
    )
    response = page(moderator_client.get(change_url(invalidation)))
    assert '<meta http-equiv="refresh" content="3">' in response
    assert '<progress max="1200" value="500">' in response
    assert "500 of 1200 matching signatures processed." in response
    assert "Undo this invalidation" not in response and "Run:" not in response
    assert 'name="_continue"' not in response  # conditions are read-only once run


@pytest.mark.django_db
def test_a_run_invalidation_keeps_its_conditions(moderator_client, petition, flood):
    invalidation = Invalidation.objects.create(petition=petition, ip_hash=HASH, state=State.DONE)
    response = moderator_client.post(
        change_url(invalidation), conditions(petition, ip_hash="", country="PK")
    )
    assert response.status_code == 302
    invalidation.refresh_from_db()
    assert invalidation.ip_hash == HASH and invalidation.country == ""
    assert invalidation.state == State.DONE


@pytest.mark.django_db
def test_a_draft_can_be_corrected_before_running(moderator_client, petition, flood):
    invalidation = Invalidation.objects.create(petition=petition, name_pattern="Bot 1*")
    assert "11 signatures match" in page(moderator_client.get(change_url(invalidation)))
    response = moderator_client.post(
        change_url(invalidation), conditions(petition, name_pattern="Bot 2*")
    )
    assert response.status_code == 302
    invalidation.refresh_from_db()
    assert invalidation.name_pattern == "Bot 2*"
    assert "6 signatures match" in page(moderator_client.get(change_url(invalidation)))


@pytest.mark.django_db
def test_run_and_undo_take_only_posts(moderator_client, petition):
    invalidation = Invalidation.objects.create(petition=petition, ip_hash=HASH)
    assert moderator_client.get(run_url(invalidation)).status_code == 405
    assert moderator_client.get(undo_url(invalidation)).status_code == 405
    assert Invalidation.objects.get().state == State.DRAFT


@pytest.mark.django_db
def test_post_without_csrf_is_refused(moderator, petition, flood):
    invalidation = Invalidation.objects.create(petition=petition, country="PK")
    client = login_verified(Client(enforce_csrf_checks=True), moderator)
    assert client.post(run_url(invalidation)).status_code == 403
    assert client.post(ADD, conditions(petition, country="PK")).status_code == 403
    assert Invalidation.objects.get().state == State.DRAFT
    Invalidation.objects.filter(pk=invalidation.pk).update(state=State.DONE, processed=1)
    assert client.post(undo_url(invalidation)).status_code == 403
    assert Invalidation.objects.get().state == State.DONE
    assert Signature.objects.filter(status=Status.SPAM).count() == 0


@pytest.mark.django_db
def test_staff_without_the_permission_cannot_run_or_see(client, petition, flood):
    invalidation = Invalidation.objects.create(petition=petition, country="PK")
    login_verified(client, staff("clerk", groups=()))
    assert client.post(run_url(invalidation)).status_code == 403
    assert client.get(change_url(invalidation)).status_code == 403
    assert client.get(CHANGELIST).status_code == 403
    assert Invalidation.objects.get().state == State.DRAFT


@pytest.mark.django_db
def test_nobody_deletes_an_invalidation(admin_client, petition):
    invalidation = Invalidation.objects.create(petition=petition, country="PK")
    url = reverse("admin:petition_invalidation_delete", args=[invalidation.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Invalidation.objects.exists()


@pytest.mark.django_db
def test_changelist_filters_and_a_constant_number_of_queries(
    moderator_client, moderator, make_petition
):
    first, second = make_petition(), make_petition()

    def add(petition, state, n):
        Invalidation.objects.bulk_create(
            Invalidation(petition=petition, country="PK", state=state, created_by=moderator)
            for _ in range(n)
        )

    add(first, State.DONE, 2)
    with CaptureQueriesContext(connection) as few:
        assert moderator_client.get(CHANGELIST).status_code == 200
    add(second, State.DRAFT, 20)
    add(first, State.UNDONE, 5)
    with CaptureQueriesContext(connection) as many:
        response = moderator_client.get(CHANGELIST)
    assert response.status_code == 200
    assert len(many) == len(few)

    by_state = moderator_client.get(CHANGELIST, {"state__exact": "undone"})
    assert by_state.context["cl"].result_count == 5
    by_petition = moderator_client.get(CHANGELIST, {"petition__id__exact": second.pk})
    assert by_petition.context["cl"].result_count == 20
