"""Counted means confirmed, and the counters are exact, after every path that changes a status.

Each path starts from a "zoo": signatures and organisations in every status, confirmed and
not (a counted one is always confirmed). After it, and after any sequence of such paths, no
counted signer lacks a confirmed address, and the counter table agrees with a recount. The
database's own check constraint is tested too, but the paths must never reach it.
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from petition import invalidation as bulk
from petition import moderation
from petition.models import Invalidation, Organisation, Signature, SignatureCount, Signer
from petition.retention import apply_retention
from tests.admin_login import login_verified

Status = Signer.Status
ZOO_HASH = "0123456789abcdef0123456789abcdef"
# Every (status, confirmed) a signer can be in: counted ones have always confirmed.
STATES = [
    (status, confirmed)
    for status in Status
    for confirmed in (True, False)
    if confirmed or status not in Signer.COUNTED
]


@pytest.fixture
def zoo(petition, make_signature, make_organisation):
    for n, (status, confirmed) in enumerate(STATES):
        make_signature(
            petition,
            status=status,
            confirmed=confirmed,
            country=("PK", "IT", "BR")[n % 3],
            ip_hash=ZOO_HASH,
        )
        make_organisation(
            petition,
            status=status,
            confirmed_at=timezone.now() if confirmed else None,
            name=f"Zoo organisation {n}",
        )
    assert_invariants(petition)
    return petition


def assert_invariants(petition):
    for model in (Signature, Organisation):
        wrong = model.objects.filter(status__in=Signer.COUNTED, confirmed_at__isnull=True)
        assert not wrong.exists(), f"{model.__name__}: counted but never confirmed"
    assert SignatureCount.rebuild(petition) is False, "the counters had drifted"


def everyone(model):
    return model.objects.all()


# The paths. Each takes the petition and the moderator, and changes statuses its own way.
def approve(petition, moderator):
    for model in (Signature, Organisation):
        moderation.moderate(everyone(model), Status.APPROVED, moderator)


def reject(petition, moderator):
    moderation.moderate(everyone(Signature), Status.REJECTED, moderator)


def mark_spam(petition, moderator):
    for model in (Signature, Organisation):
        moderation.moderate(everyone(model), Status.SPAM, moderator)


def release(petition, moderator):
    for model in (Signature, Organisation):
        moderation.release(everyone(model), moderator)


def feature(petition, moderator):
    moderation.feature(everyone(Signature), moderator)


def confirm_links(petition, moderator):
    for model in (Signature, Organisation):
        for signer in model.objects.select_related("petition"):
            signer.confirm()


def withdraw_one(petition, moderator):
    signer = Signature.objects.counted().first() or Signature.objects.first()
    if signer:
        signer.withdraw()


def invalidate(petition, moderator):
    invalidation = Invalidation.objects.create(
        petition=petition, ip_hash=ZOO_HASH, created_by=moderator
    )
    with_tasks_run(lambda: bulk.start_run(invalidation, moderator))


def undo_invalidations(petition, moderator):
    for invalidation in Invalidation.objects.filter(state=Invalidation.State.DONE):
        with_tasks_run(lambda invalidation=invalidation: bulk.start_undo(invalidation, moderator))


def retention(petition, moderator):
    apply_retention(now=timezone.now() + timedelta(days=400))


def recount(petition, moderator):
    moderation.recount([petition], moderator)


def with_tasks_run(start):
    """The admin's start_run/start_undo enqueue on commit; the test backend runs at once."""
    callbacks = []
    with transaction.atomic():
        start()
        callbacks = list(transaction.get_connection().run_on_commit)
    for _sids, callback, _robust in callbacks:
        callback()


PATHS = [
    approve, reject, mark_spam, release, feature, confirm_links, withdraw_one, invalidate,
    undo_invalidations, retention, recount,
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.__name__)
def test_every_path_keeps_counted_confirmed_and_the_counters_exact(zoo, moderator, path):
    path(zoo, moderator)
    assert_invariants(zoo)


@pytest.mark.django_db
def test_invalidated_then_approved_then_undone(zoo, moderator):
    """The sequence that counted unconfirmed signatures: spam by a bulk run, approved by a
    moderator, then the run undone."""
    invalidate(zoo, moderator)
    approve(zoo, moderator)
    undo_invalidations(zoo, moderator)
    assert_invariants(zoo)
    # Only signers that had confirmed are counted, whatever happened to them.
    counted = set(Signature.objects.counted().values_list("confirmed_at", flat=True))
    assert None not in counted and counted


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(paths=st.lists(st.sampled_from(PATHS), min_size=2, max_size=5))
def test_any_sequence_of_paths_keeps_the_invariant(zoo, moderator, paths):
    try:
        with transaction.atomic():
            for path in paths:
                path(zoo, moderator)
                assert_invariants(zoo)
            raise _Rollback  # every example starts from the same zoo
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


@pytest.mark.django_db
def test_the_admin_actions_keep_the_invariant(client, zoo, moderator):
    login_verified(client, moderator)
    for model, url in (
        (Signature, reverse("admin:petition_signature_changelist")),
        (Organisation, reverse("admin:petition_organisation_changelist")),
    ):
        pks = [str(pk) for pk in model.objects.values_list("pk", flat=True)]
        for action in ("mark_spam", "approve", "release", "approve"):
            response = client.post(url, {"action": action, "_selected_action": pks})
            assert response.status_code == 302
            assert_invariants(zoo)


@pytest.mark.django_db
def test_the_confirmation_link_records_the_proof_for_a_held_back_signer(zoo, moderator):
    spam = Signature.objects.filter(status=Status.SPAM, confirmed_at__isnull=True).get()
    assert moderation.moderate(
        Signature.objects.filter(pk=spam.pk), Status.APPROVED, moderator
    ) == (moderation.Outcome(changed=0, skipped=1))
    assert spam.confirm()  # the owner of the address clicks the link after all
    spam.refresh_from_db()
    assert spam.status == Status.SPAM and spam.confirmed_at is not None  # still not counted
    outcome = moderation.moderate(Signature.objects.filter(pk=spam.pk), Status.APPROVED, moderator)
    assert outcome == moderation.Outcome(changed=1)
    assert_invariants(zoo)


@pytest.mark.django_db
def test_the_database_refuses_a_counted_unconfirmed_signer(zoo):
    pending = Signature.objects.filter(status=Status.PENDING).first()
    for model, row in ((Signature, pending), (Organisation, Organisation.objects.first())):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=row.pk).update(status=Status.APPROVED, confirmed_at=None)
