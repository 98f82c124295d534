from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petition.models import Organisation, Petition, Signature, SignatureCount, Signer
from tests.admin_login import login_verified, make_staff

Status = Signer.Status
SIGNATURES = reverse("admin:petition_signature_changelist")
ORGANISATIONS = reverse("admin:petition_organisation_changelist")
PETITIONS = reverse("admin:petition_petition_changelist")
LOG = reverse("admin:admin_logentry_changelist")


def change_url(obj):
    return reverse(f"admin:petition_{obj._meta.model_name}_change", args=[obj.pk])


def staff(username, *, email_permission=False):
    return make_staff(username, permissions=["view_signature_email"] if email_permission else [])


@pytest.fixture
def coordinator_client(client, db):
    """A staff member trusted with signers' contact details."""
    login_verified(client, staff("coordinator", email_permission=True))
    return client


@pytest.fixture
def signature(petition, make_signature):
    return make_signature(
        petition,
        status=Status.CONFIRMED,
        full_name="Ana Example",
        email="ana.private@example.org",
        role="General secretary",
        organisation="Example Teachers Union",
        city="Lisbon",
        country="PT",
        ip_hash="0123456789abcdef0123456789abcdef",
    )


def run_action(client, url, action, objects):
    return client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objects]}, follow=True
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# Privacy -------------------------------------------------------------------------------------


def test_moderator_never_sees_the_email(moderator_client, signature):
    for url in (SIGNATURES, change_url(signature)):
        response = moderator_client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Ana Example" in html
        assert "ana.private@example.org" not in html
        assert signature.ip_hash not in html


def test_moderator_cannot_search_or_filter_by_email(moderator_client, signature):
    response = moderator_client.get(SIGNATURES, {"q": "ana.private@example.org"})
    assert response.context["cl"].result_count == 0
    response = moderator_client.get(SIGNATURES, {"q": "Teachers Union"})
    assert list(response.context["cl"].result_list) == [signature]
    # Local field lookups are normally allowed by the admin: an oracle to guess addresses.
    for lookup in ("email", "email__startswith", "email_canonical__contains", "ip_hash"):
        response = moderator_client.get(SIGNATURES, {lookup: "ana"})
        assert response.status_code == 400, lookup


def test_with_the_permission_the_email_is_shown_and_searchable(coordinator_client, signature):
    response = coordinator_client.get(SIGNATURES, {"q": "ana.private@example"})
    assert list(response.context["cl"].result_list) == [signature]
    assert "ana.private@example.org" in response.content.decode()
    html = coordinator_client.get(change_url(signature)).content.decode()
    assert "ana.private@example.org" in html
    assert signature.ip_hash not in html  # IP hashes are for superusers only
    response = coordinator_client.get(SIGNATURES, {"email__startswith": "ana"})
    assert response.status_code == 200


def test_superuser_sees_the_ip_hash_and_other_signatures_from_it(
    admin_client, signature, make_signature
):
    make_signature(signature.petition, ip_hash=signature.ip_hash)
    html = admin_client.get(change_url(signature)).content.decode()
    assert signature.ip_hash in html
    assert "2 from this address" in html
    response = admin_client.get(SIGNATURES, {"ip_hash": signature.ip_hash})
    assert response.context["cl"].result_count == 2


def test_organisation_contact_is_private(client, moderator, petition, make_organisation):
    org = make_organisation(
        petition,
        status=Status.CONFIRMED,
        name="Example Dockers Union",
        contact_name="Private Contact",
        email="dockers.secret@example.org",
    )
    for user, allowed in ((staff("coordinator", email_permission=True), True), (moderator, False)):
        login_verified(client, user)
        for url in (ORGANISATIONS, change_url(org)):
            html = client.get(url).content.decode()
            assert "Example Dockers Union" in html
            assert ("dockers.secret@example.org" in html) is allowed
            assert ("Private Contact" in html) is allowed
        found = client.get(ORGANISATIONS, {"q": "Private Contact"}).context["cl"].result_count
        assert found == int(allowed)
        status = client.get(ORGANISATIONS, {"contact_name": "Private"}).status_code
        assert status == (200 if allowed else 400)


def test_review_queue_filter(moderator_client, make_petition, make_signature):
    publish = make_petition(moderation=Petition.Moderation.PUBLISH)
    approve = make_petition(moderation=Petition.Moderation.APPROVE)
    queued = make_signature(approve, status=Status.CONFIRMED)
    shown = make_signature(publish, status=Status.CONFIRMED, featured=True)
    make_signature(publish, status=Status.CONFIRMED, show_name=False)
    make_signature(approve, status=Status.SPAM)
    response = moderator_client.get(SIGNATURES)
    assert "Awaiting review (3)" in response.content.decode()

    def listed(queue, **filters):
        response = moderator_client.get(SIGNATURES, {"queue": queue, **filters})
        return set(response.context["cl"].result_list)

    assert len(listed("review")) == 3
    assert listed("review", petition__id__exact=approve.pk) == {queued}
    assert listed("named") == {shown}
    assert listed("prominent") == {shown}


# Editing -------------------------------------------------------------------------------------


def change_form_data(signature, **changes):
    data = {
        "full_name": signature.full_name,
        "role": signature.role,
        "organisation": signature.organisation,
        "city": signature.city,
        "featured_order": signature.featured_order,
        "_save": "Save",
    }
    if signature.featured:
        data["featured"] = "on"
    return data | changes


def test_status_and_personal_data_cannot_change_through_the_form(coordinator_client, signature):
    response = coordinator_client.post(
        change_url(signature),
        change_form_data(
            signature,
            full_name="Ana Example-Fixed",
            role="Former general secretary",
            featured_order="3",
            status=Status.APPROVED,
            email="someone.else@example.org",
            country="US",
            show_name="",
            comment="edited",
        ),
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.full_name == "Ana Example-Fixed"
    assert signature.credentials == "Former general secretary, Example Teachers Union"
    assert signature.featured_order == 3
    assert signature.status == Status.CONFIRMED
    assert signature.email == "ana.private@example.org"
    assert signature.country == "PT"
    assert signature.show_name is True
    assert signature.comment == ""
    assert signature.petition.compute_counts()["by_country"] == {"PT": 1}


def test_the_form_refuses_to_feature_a_hidden_name(moderator_client, petition, make_signature):
    hidden = make_signature(petition, show_name=False)
    response = moderator_client.post(change_url(hidden), change_form_data(hidden, featured="on"))
    assert response.status_code == 200
    assert "did not agree to show their name" in response.content.decode()
    hidden.refresh_from_db()
    assert hidden.featured is False


def test_the_form_refuses_control_characters(moderator_client, signature):
    response = moderator_client.post(
        change_url(signature), change_form_data(signature, full_name="Ana\u202eelpmaxE")
    )
    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.full_name == "Ana Example"


def test_featured_order_is_editable_in_the_list(moderator_client, petition, make_signature):
    signatures = [make_signature(petition, featured=True) for _ in range(2)]
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "_save": "Save"}
    for i, signature in enumerate(signatures):
        data[f"form-{i}-id"] = signature.pk
        data[f"form-{i}-featured_order"] = str(10 - i)
    response = moderator_client.post(SIGNATURES, data)
    assert response.status_code == 302
    assert [s.featured_order for s in Signature.objects.order_by("pk")] == [10, 9]


def test_moderator_cannot_add_or_delete(moderator_client, signature):
    assert moderator_client.get(reverse("admin:petition_signature_add")).status_code == 403
    delete_url = reverse("admin:petition_signature_delete", args=[signature.pk])
    assert moderator_client.post(delete_url, {"post": "yes"}).status_code == 403
    response = run_action(moderator_client, SIGNATURES, "delete_selected", [signature])
    assert messages_of(response) == ["No action selected."]
    assert Signature.objects.filter(pk=signature.pk).exists()
    actions = moderator_client.get(SIGNATURES).context["action_form"].fields["action"].choices
    assert "delete_selected" not in dict(actions)
    assert {"approve", "reject", "mark_spam", "feature", "unfeature"} <= set(dict(actions))


def test_superuser_deletion_keeps_the_counters_exact(admin_client, petition, make_signature):
    doomed = [make_signature(petition, country="VE") for _ in range(2)]
    kept = make_signature(petition, country="VE")
    response = admin_client.post(
        SIGNATURES,
        {"action": "delete_selected", "_selected_action": [s.pk for s in doomed], "post": "yes"},
    )
    assert response.status_code == 302
    delete_url = reverse("admin:petition_signature_delete", args=[kept.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Signature.objects.exists()
    assert petition.compute_counts()["total"] == 0
    assert SignatureCount.rebuild(petition) is False


# Actions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        ("approve", Status.APPROVED, 3, "Approved 2 signatures.", "Approved"),
        ("reject", Status.REJECTED, 1, "Rejected 2 signatures.", "Rejected"),
        ("mark_spam", Status.SPAM, 1, "Marked 2 signatures as spam.", "Marked as spam"),
    ],
)
def test_bulk_status_actions(moderator_client, moderator, make_petition, make_signature, case):
    action, status, total, message, logged = case
    petition = make_petition(moderation=Petition.Moderation.APPROVE)
    selected = [make_signature(petition, status=Status.CONFIRMED, country="CA") for _ in range(2)]
    make_signature(petition, status=Status.CONFIRMED, country="CA")
    assert petition.compute_counts()["total"] == 3

    response = run_action(moderator_client, SIGNATURES, action, selected)

    assert message in messages_of(response)
    changed = Signature.objects.filter(pk__in=[s.pk for s in selected])
    assert set(changed.values_list("status", flat=True)) == {status}
    assert petition.compute_counts()["total"] == total
    entries = LogEntry.objects.filter(object_id__in=[str(s.pk) for s in selected])
    assert [(e.user, e.change_message) for e in entries] == [(moderator, logged)] * 2

    html = moderator_client.get(LOG).content.decode()
    assert "Moderation log" in html
    assert html.count(f'<td class="field-message">{logged}</td>') == 2
    assert "volunteer" in html


def test_approve_skips_unconfirmed_and_says_so(moderator_client, petition, make_signature):
    waiting = make_signature(petition, status=Status.CONFIRMED)
    unconfirmed = make_signature(petition, status=Status.PENDING)
    unconfirmed_spam = make_signature(petition, status=Status.SPAM)
    response = run_action(
        moderator_client, SIGNATURES, "approve", [waiting, unconfirmed, unconfirmed_spam]
    )
    assert messages_of(response) == [
        "Approved 1 signature.",
        "Skipped 2 signatures whose email addresses are not confirmed yet: only a confirmed "
        "signature can be counted.",
    ]
    assert Signature.objects.get(pk=unconfirmed.pk).status == Status.PENDING
    assert Signature.objects.get(pk=unconfirmed_spam.pk).status == Status.SPAM
    assert petition.compute_counts()["total"] == 1


def test_approving_twice_says_nothing_changed(moderator_client, signature):
    run_action(moderator_client, SIGNATURES, "approve", [signature])
    response = run_action(moderator_client, SIGNATURES, "approve", [signature])
    assert messages_of(response) == [
        "Nothing changed: the selected signatures were already in that state."
    ]
    assert LogEntry.objects.count() == 1


def test_feature_skips_signers_who_hid_their_name(
    moderator_client, moderator, petition, make_signature
):
    public = make_signature(petition, show_name=True)
    hidden = make_signature(petition, show_name=False)
    response = run_action(moderator_client, SIGNATURES, "feature", [public, hidden])
    assert messages_of(response) == [
        "Featured 1 signature as prominent.",
        "Skipped 1 signature: the signer did not agree to show their name.",
    ]
    assert list(Signature.objects.filter(featured=True)) == [public]
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.change_message) == (
        moderator,
        str(public.pk),
        "Featured as prominent",
    )

    response = run_action(moderator_client, SIGNATURES, "unfeature", [public, hidden])
    assert messages_of(response) == ["1 signature no longer featured."]
    assert not Signature.objects.filter(featured=True).exists()


def test_actions_from_the_change_form(moderator_client, moderator, signature):
    url = change_url(signature)
    html = moderator_client.get(url).content.decode()
    assert "Approve this signature" in html
    assert "Mark this signature as spam" in html
    response = moderator_client.post(
        url,
        {"CHANGE_FORM-action": "mark_spam", "_selected_action": signature.pk, "index": "0"},
        follow=True,
    )
    assert "Marked 1 signature as spam." in messages_of(response)
    signature.refresh_from_db()
    assert signature.status == Status.SPAM
    assert signature.petition.compute_counts()["total"] == 0
    assert LogEntry.objects.get().user == moderator


def test_organisation_actions(moderator_client, moderator, petition, make_organisation):
    union = make_organisation(petition, status=Status.CONFIRMED, country="MX")
    party = make_organisation(petition, status=Status.CONFIRMED, country="DK")
    response = run_action(moderator_client, ORGANISATIONS, "approve", [union])
    assert "Approved 1 organisation." in messages_of(response)
    response = run_action(moderator_client, ORGANISATIONS, "reject", [party])
    assert "Rejected 1 organisation." in messages_of(response)
    assert Organisation.objects.get(pk=union.pk).status == Status.APPROVED
    assert Organisation.objects.get(pk=party.pk).status == Status.REJECTED
    assert petition.compute_counts()["organisations"] == 1
    assert list(LogEntry.objects.order_by("pk").values_list("user", "change_message")) == [
        (moderator.pk, "Approved"),
        (moderator.pk, "Rejected"),
    ]
    actions = moderator_client.get(ORGANISATIONS).context["action_form"].fields["action"].choices
    assert "feature" not in dict(actions)


def test_organisation_rename_respects_uniqueness(moderator_client, petition, make_organisation):
    make_organisation(petition, name="Example Union", country="BR")
    other = make_organisation(petition, name="Example Unoin", country="BR")
    data = {"name": "example union", "kind": other.kind, "website": "", "_save": "Save"}
    response = moderator_client.post(change_url(other), data)
    assert response.status_code == 200
    assert "already signed" in response.content.decode()
    response = moderator_client.post(change_url(other), data | {"name": "Example Union (Rio)"})
    assert response.status_code == 302
    assert Organisation.objects.get(pk=other.pk).name == "Example Union (Rio)"


# Petitions -----------------------------------------------------------------------------------


def test_petition_changelist_shows_totals_and_queues(
    moderator_client, make_petition, make_signature
):
    petition = make_petition(title="Release the Example Seven", goal=10)
    make_signature(petition)
    make_signature(petition, status=Status.CONFIRMED)
    response = moderator_client.get(PETITIONS)
    html = response.content.decode()
    assert "Release the Example Seven" in html
    assert "2 of 10 (20%)" in html
    query = f"?petition__id__exact={petition.pk}&amp;queue=review"
    assert f'<a href="{SIGNATURES}{query}">1 signature</a>' in html
    assert f'<a href="{ORGANISATIONS}{query}">0 organisations</a>' in html
    # Moderators read petitions but cannot change them or recount.
    actions = response.context["action_form"]
    assert actions is None or "recount" not in dict(actions.fields["action"].choices)
    assert moderator_client.post(change_url(petition), {"title": "x"}).status_code == 403


def test_recount_action(admin_client, make_petition, make_signature):
    drifted = make_petition(title="Drifted petition")
    exact = make_petition(title="Exact petition")
    make_signature(drifted, country="IT")
    make_signature(exact, country="IT")
    SignatureCount.objects.filter(petition=drifted).update(signatures=7)
    response = run_action(admin_client, PETITIONS, "recount", [drifted, exact])
    assert messages_of(response) == [
        "The counters of “Drifted petition” had drifted; they have been recounted.",
        "The counters of 1 petition were exact.",
    ]
    assert drifted.compute_counts()["total"] == 1


def test_petition_add_form_prepopulates_the_slug(admin_client):
    page = admin_client.get(reverse("admin:petition_petition_add")).content.decode()
    assert '"id": "#id_slug"' in unescape(page)
    assert '"dependency_ids": ["#id_title"]' in unescape(page)


# Moderation log ------------------------------------------------------------------------------


def test_log_is_read_only(moderator_client, admin_user, signature):
    run_action(moderator_client, SIGNATURES, "approve", [signature])
    entry = LogEntry.objects.get()
    url = reverse("admin:admin_logentry_change", args=[entry.pk])
    html = moderator_client.get(url).content.decode()
    assert "Approved" in html
    assert 'name="_save"' not in html
    assert moderator_client.post(url, {"change_message": "forged"}).status_code == 403
    assert moderator_client.get(reverse("admin:admin_logentry_add")).status_code == 403
    delete_url = reverse("admin:admin_logentry_delete", args=[entry.pk])
    assert moderator_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.get().change_message == "Approved"


def test_moderators_see_only_the_moderation_log(moderator_client, admin_client, admin_user):
    LogEntry.objects.log_actions(admin_user.pk, [admin_user], 2, "Changed password.")
    assert moderator_client.get(LOG).context["cl"].result_count == 0
    assert admin_client.get(LOG).context["cl"].result_count == 1


# Efficiency ----------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_signature_changelist_has_no_n_plus_one(
    moderator_client, make_petition, make_signature, django_assert_max_num_queries
):
    petitions = [make_petition() for _ in range(3)]
    for i in range(5):
        make_signature(petitions[i % 3], featured=True, role="Councillor", organisation="Example")
    few = count_queries(moderator_client, SIGNATURES)
    for i in range(45):
        make_signature(petitions[i % 3], country=["PK", "BR", "MX"][i % 3], city="Example")
    assert count_queries(moderator_client, SIGNATURES) == few
    # 12, plus the second-factor device and the session saved on every request (idle expiry),
    # plus the petitions' texts for the rows and for the filter by petition.
    with django_assert_max_num_queries(17):
        response = moderator_client.get(SIGNATURES)
    assert len(response.context["cl"].result_list) == 50


def test_other_changelists_have_no_n_plus_one(
    moderator_client, make_petition, make_signature, make_organisation, moderator
):
    petition = make_petition()
    make_organisation(petition)
    make_signature(petition, status=Status.CONFIRMED)
    run_action(moderator_client, SIGNATURES, "approve", Signature.objects.all())
    few = {url: count_queries(moderator_client, url) for url in (PETITIONS, ORGANISATIONS, LOG)}
    for _ in range(10):
        other = make_petition()
        make_organisation(other, status=Status.CONFIRMED)
        make_signature(other, status=Status.CONFIRMED)
    run_action(moderator_client, ORGANISATIONS, "approve", Organisation.objects.all())
    run_action(moderator_client, SIGNATURES, "approve", Signature.objects.all())
    for url, before in few.items():
        assert count_queries(moderator_client, url) == before, url
        assert before <= 17, url
