import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from lib.moderation import Outcome
from petition import moderation
from petition.models import Organisation, Petition, Signature, SignatureCount, Signer

Status = Signer.Status


def log_messages(model, pks):
    return dict(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=map(str, pks)
        ).values_list("object_id", "change_message")
    )


@pytest.mark.django_db
def test_moderators_group_has_exactly_the_listed_permissions():
    group = Group.objects.get(name="Moderators")
    granted = group.permissions.exclude(content_type__app_label="campaign")
    assert set(granted.values_list("content_type__app_label", "codename")) == {
        ("petition", "view_signature"),
        ("petition", "change_signature"),
        ("petition", "view_organisation"),
        ("petition", "change_organisation"),
        ("petition", "view_petition"),
        ("petition", "view_invalidation"),
        ("petition", "add_invalidation"),
        ("petition", "change_invalidation"),
        ("admin", "view_logentry"),
    }


@pytest.mark.django_db
def test_a_moderator_cannot_see_emails_delete_or_add(moderator):
    assert moderator.has_perm("petition.change_signature")
    assert not moderator.has_perm("petition.view_signature_email")
    for action in ("add", "delete"):
        for model in ("signature", "organisation", "petition"):
            assert not moderator.has_perm(f"petition.{action}_{model}")
    assert not moderator.has_perm("petition.change_petition")


@pytest.mark.django_db
def test_approve_counts_and_logs_but_skips_unconfirmed(make_petition, make_signature, moderator):
    petition = make_petition(moderation=Petition.Moderation.APPROVE)
    waiting = make_signature(petition, status=Status.CONFIRMED, country="PK")
    confirmed_spam = make_signature(petition, status=Status.SPAM, country="PK", confirmed=True)
    unconfirmed = make_signature(petition, status=Status.PENDING, country="BR")
    # Marked spam or suspected before the address was confirmed: nobody proved it exists.
    unconfirmed_spam = make_signature(petition, status=Status.SPAM, country="BR")
    unconfirmed_suspect = make_signature(petition, status=Status.SUSPECTED, country="BR")
    assert petition.compute_counts()["total"] == 1

    everyone = [waiting, confirmed_spam, unconfirmed, unconfirmed_spam, unconfirmed_suspect]
    selected = Signature.objects.filter(pk__in=[s.pk for s in everyone])
    outcome = moderation.moderate(selected, Status.APPROVED, moderator)

    assert outcome == Outcome(changed=2, skipped=3)
    statuses = dict(Signature.objects.values_list("pk", "status"))
    assert statuses == {
        waiting.pk: Status.APPROVED,
        confirmed_spam.pk: Status.APPROVED,
        unconfirmed.pk: Status.PENDING,
        unconfirmed_spam.pk: Status.SPAM,
        unconfirmed_suspect.pk: Status.SUSPECTED,
    }
    assert petition.compute_counts()["by_country"] == {"PK": 2}
    assert log_messages(Signature, [s.pk for s in everyone]) == {
        str(waiting.pk): "Approved",
        str(confirmed_spam.pk): "Approved",
    }
    entry = LogEntry.objects.get(object_id=str(waiting.pk))
    assert entry.user == moderator
    assert entry.action_flag == CHANGE
    assert entry.object_repr == waiting.full_name
    assert Signature.objects.get(pk=waiting.pk).moderated_at is not None


@pytest.mark.django_db
def test_reject_and_spam_take_signatures_off_the_counters(petition, make_signature, moderator):
    first = make_signature(petition, country="DE")
    second = make_signature(petition, status=Status.CONFIRMED, country="DE")
    third = make_signature(petition, country="FR")
    assert petition.compute_counts()["total"] == 3

    assert moderation.moderate(
        Signature.objects.filter(pk=first.pk), Status.REJECTED, moderator
    ) == Outcome(changed=1)
    assert moderation.moderate(
        Signature.objects.filter(pk__in=[second.pk, third.pk]), Status.SPAM, moderator
    ) == Outcome(changed=2)

    assert petition.compute_counts()["total"] == 0
    assert SignatureCount.rebuild(petition) is False  # the counters never drifted
    assert log_messages(Signature, [first.pk, second.pk, third.pk]) == {
        str(first.pk): "Rejected",
        str(second.pk): "Marked as spam",
        str(third.pk): "Marked as spam",
    }


@pytest.mark.django_db
def test_moderating_to_the_same_status_changes_and_logs_nothing(
    petition, make_signature, moderator
):
    signature = make_signature(petition, status=Status.APPROVED)
    outcome = moderation.moderate(
        Signature.objects.filter(pk=signature.pk), Status.APPROVED, moderator
    )
    assert outcome == Outcome(changed=0)
    assert not LogEntry.objects.exists()
    assert petition.compute_counts()["total"] == 1


@pytest.mark.django_db
def test_moderate_accepts_the_admins_querysets(petition, make_signature, moderator):
    """The changelist hands actions a queryset with joins and ordering; locking must still work."""
    signatures = [make_signature(petition, status=Status.CONFIRMED) for _ in range(3)]
    selected = (
        Signature.objects.select_related("petition")
        .order_by("-created_at")
        .filter(pk__in=[s.pk for s in signatures[:2]])
    )
    assert moderation.moderate(selected, Status.REJECTED, moderator).changed == 2
    assert petition.compute_counts()["total"] == 1


@pytest.mark.django_db
def test_moderators_cannot_set_pending_or_confirmed(petition, make_signature, moderator):
    signature = make_signature(petition)
    for status in (Status.PENDING, Status.CONFIRMED):
        with pytest.raises(ValueError, match="cannot set"):
            moderation.moderate(Signature.objects.filter(pk=signature.pk), status, moderator)
    assert Signature.objects.get(pk=signature.pk).status == Status.APPROVED


@pytest.mark.django_db
def test_feature_never_features_someone_who_hid_their_name(petition, make_signature, moderator):
    public = make_signature(petition, show_name=True, role="MEP")
    hidden = make_signature(petition, show_name=False, role="Teacher")
    selected = Signature.objects.filter(pk__in=[public.pk, hidden.pk])

    assert moderation.feature(selected, moderator) == Outcome(changed=1, skipped=1)
    assert set(Signature.objects.filter(featured=True).values_list("pk", flat=True)) == {public.pk}
    assert list(Signature.objects.prominent()) == [public]
    assert log_messages(Signature, [public.pk, hidden.pk]) == {
        str(public.pk): "Featured as prominent"
    }

    # Featuring again changes nothing; unfeaturing takes them off the prominent list.
    assert moderation.feature(selected, moderator).changed == 0
    assert moderation.feature(selected, moderator, featured=False) == Outcome(1)
    assert not Signature.objects.filter(featured=True).exists()
    assert LogEntry.objects.filter(change_message="No longer prominent").count() == 1


@pytest.mark.django_db
def test_feature_refuses_organisations(petition, make_organisation, moderator):
    make_organisation(petition)
    with pytest.raises(TypeError):
        moderation.feature(Organisation.objects.all(), moderator)


@pytest.mark.django_db
def test_organisations_are_moderated_the_same_way(petition, make_organisation, moderator):
    union = make_organisation(petition, status=Status.CONFIRMED, country="MX")
    party = make_organisation(petition, status=Status.CONFIRMED, country="ES")
    assert petition.compute_counts()["organisations"] == 0

    moderation.moderate(Organisation.objects.filter(pk=union.pk), Status.APPROVED, moderator)
    moderation.moderate(Organisation.objects.filter(pk=party.pk), Status.REJECTED, moderator)

    counts = petition.compute_counts()
    assert counts["organisations"] == 1
    assert counts["countries"] == 1
    assert log_messages(Organisation, [union.pk, party.pk]) == {
        str(union.pk): "Approved",
        str(party.pk): "Rejected",
    }


@pytest.mark.django_db
def test_recount_reports_drift_and_logs_it(make_petition, make_signature, moderator):
    drifted = make_petition()
    exact = make_petition()
    make_signature(drifted, country="CH")
    make_signature(exact, country="DK")
    SignatureCount.objects.filter(petition=drifted).update(signatures=40)

    assert moderation.recount(Petition.objects.all(), moderator) == [drifted]
    assert drifted.compute_counts()["total"] == 1
    assert log_messages(Petition, [drifted.pk, exact.pk]) == {
        str(drifted.pk): "Recounted signatures: the counters had drifted and were corrected",
        str(exact.pk): "Recounted signatures: the counters were exact",
    }


@pytest.mark.django_db
def test_erase_takes_signatures_off_the_counters(petition, make_signature):
    kept = make_signature(petition, country="US")
    gone = make_signature(petition, country="US")
    moderation.erase(Signature.objects.select_related("petition").filter(pk=gone.pk))
    assert list(Signature.objects.all()) == [kept]
    assert petition.compute_counts()["by_country"] == {"US": 1}
    assert SignatureCount.rebuild(petition) is False
