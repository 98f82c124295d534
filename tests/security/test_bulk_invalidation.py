"""Bulk invalidation: what the conditions match, that the run changes exactly what the preview
counted, that counters stay exact through run and undo, and that a whole petition is never
taken by mistake."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone

from petition import invalidation as bulk
from petition import invalidation_batches as batches
from petition import moderation
from petition.models import (
    InvalidatedSignature,
    Invalidation,
    Signature,
    SignatureCount,
    Signer,
)

Status = Signer.Status
State = Invalidation.State
HASH = "0123456789abcdef0123456789abcdef"
OTHER_HASH = "fedcba9876543210fedcba9876543210"


def draft(petition, user=None, **conditions):
    invalidation = Invalidation(petition=petition, created_by=user, **conditions)
    invalidation.full_clean()
    invalidation.save()
    return invalidation


def matched_names(invalidation):
    return set(invalidation.matching_signatures().values_list("full_name", flat=True))


def run(invalidation, user, capture):
    with capture(execute=True):
        assert bulk.start_run(invalidation, user)
    invalidation.refresh_from_db()
    return invalidation


def undo(invalidation, user, capture):
    with capture(execute=True):
        assert bulk.start_undo(invalidation, user)
    invalidation.refresh_from_db()
    return invalidation


def assert_counts_exact(petition):
    """The public figures (the counter table, as counts() shows them) agree with a recount."""
    counted = dict(
        Signature.objects.filter(petition=petition)
        .counted()
        .values_list("country")
        .annotate(n=Count("pk"))
        .values_list("country", "n")
    )
    figures = petition.compute_counts()
    assert figures["by_country"] == counted
    assert figures["total"] == sum(counted.values())
    assert SignatureCount.rebuild(petition) is False  # nothing had drifted


# Each condition alone ------------------------------------------------------------------------


@pytest.mark.django_db
def test_ip_hash_alone(petition, make_signature):
    make_signature(petition, full_name="From the flood", ip_hash=HASH)
    make_signature(petition, full_name="Elsewhere", ip_hash=OTHER_HASH)
    make_signature(petition, full_name="No hash")
    assert matched_names(draft(petition, ip_hash=HASH.upper())) == {"From the flood"}


@pytest.mark.django_db
def test_email_domain_exact_and_with_a_wildcard(petition, make_signature):
    make_signature(petition, full_name="Exact", email="a@Example.ORG")
    make_signature(petition, full_name="Sub", email="b@mail.example.org")
    make_signature(petition, full_name="Deep", email="c@x.y.example.org")
    make_signature(petition, full_name="Lookalike", email="d@example.org.evil.net")
    make_signature(petition, full_name="Suffix", email="e@notexample.org")
    make_signature(petition, full_name="Mailbox", email="example.org@other.net")

    assert matched_names(draft(petition, email_domain="example.org")) == {"Exact"}
    assert matched_names(draft(petition, email_domain="@EXAMPLE.org")) == {"Exact"}
    assert matched_names(draft(petition, email_domain="*.example.org")) == {"Sub", "Deep"}
    assert matched_names(draft(petition, email_domain="?.y.example.org")) == {"Deep"}


@pytest.mark.django_db
def test_name_pattern_is_a_case_insensitive_glob(petition, make_signature):
    for name in ("Test Bot 1", "my TEST account", "Ada Byron", "Al Bundy", "Alan Barnes"):
        make_signature(petition, full_name=name)

    assert matched_names(draft(petition, name_pattern="*test*")) == {
        "Test Bot 1",
        "my TEST account",
    }
    # ? is exactly one character; the pattern covers the whole name.
    assert matched_names(draft(petition, name_pattern="A? B*")) == {"Al Bundy"}
    assert matched_names(draft(petition, name_pattern="a?? b*")) == {"Ada Byron"}
    assert matched_names(draft(petition, name_pattern="a* b*")) == {
        "Ada Byron",
        "Al Bundy",
        "Alan Barnes",
    }
    assert matched_names(draft(petition, name_pattern="test")) == set()


@pytest.mark.django_db
def test_regex_metacharacters_in_a_name_pattern_are_literal(petition, make_signature):
    for name in ("Bot (1)", "Bot 1", "Bot 11", "a.b", "axb", "[a-z]+", "z", "x|y", "x", "100$"):
        make_signature(petition, full_name=name)

    assert matched_names(draft(petition, name_pattern="Bot (1)")) == {"Bot (1)"}
    assert matched_names(draft(petition, name_pattern="a.b")) == {"a.b"}
    assert matched_names(draft(petition, name_pattern="[a-z]+")) == {"[a-z]+"}
    assert matched_names(draft(petition, name_pattern="x|y")) == {"x|y"}
    assert matched_names(draft(petition, name_pattern=".*")) == set()
    assert matched_names(draft(petition, name_pattern="*$")) == {"100$"}
    assert matched_names(draft(petition, name_pattern="\\*")) == set()


@pytest.mark.django_db
def test_country_alone(petition, make_signature):
    make_signature(petition, full_name="Pakistan", country="PK")
    make_signature(petition, full_name="Italy", country="IT")
    assert matched_names(draft(petition, country="PK")) == {"Pakistan"}


@pytest.mark.django_db
def test_time_window_start_included_end_excluded(petition, make_signature):
    start = timezone.now().replace(microsecond=0) - timedelta(hours=5)
    for hours, name in ((0, "at start"), (1, "inside"), (2, "at end"), (-1, "before")):
        signature = make_signature(petition, full_name=name)
        Signature.objects.filter(pk=signature.pk).update(created_at=start + timedelta(hours=hours))
    end = start + timedelta(hours=2)

    assert matched_names(draft(petition, signed_after=start, signed_before=end)) == {
        "at start",
        "inside",
    }
    assert matched_names(draft(petition, signed_after=end)) == {"at end"}
    assert matched_names(draft(petition, signed_before=start)) == {"before"}


@pytest.mark.django_db
def test_conditions_combine_and_stay_within_the_petition(make_petition, make_signature):
    petition, other = make_petition(), make_petition()
    make_signature(petition, full_name="Bot A", country="PK", ip_hash=HASH, email="1@spam.test")
    make_signature(petition, full_name="Bot B", country="IT", ip_hash=HASH, email="2@spam.test")
    make_signature(petition, full_name="Real C", country="PK", ip_hash=HASH, email="3@spam.test")
    make_signature(petition, full_name="Bot D", country="PK", ip_hash=HASH, email="4@mail.test")
    make_signature(other, full_name="Bot E", country="PK", ip_hash=HASH, email="5@spam.test")

    invalidation = draft(
        petition, ip_hash=HASH, email_domain="spam.test", name_pattern="bot *", country="PK"
    )
    assert matched_names(invalidation) == {"Bot A"}


@pytest.mark.django_db
def test_only_the_chosen_statuses_and_never_rejected_or_spam(petition, make_signature):
    for status in Status.values:
        make_signature(petition, full_name=status, status=status, ip_hash=HASH)

    assert matched_names(draft(petition, ip_hash=HASH)) == {
        "pending",
        "confirmed",
        "approved",
        "suspected",
    }
    assert matched_names(draft(petition, ip_hash=HASH, statuses=["pending"])) == {"pending"}
    with pytest.raises(ValidationError) as error:
        draft(petition, ip_hash=HASH, statuses=["pending", "spam"])
    assert "statuses" in error.value.message_dict


# A whole petition is never taken -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "conditions",
    [{}, {"name_pattern": "*"}, {"name_pattern": "?**?"}, {"email_domain": "*"}],
)
def test_an_invalidation_without_a_real_condition_is_refused(
    petition, make_signature, moderator, conditions
):
    make_signature(petition)
    with pytest.raises(ValidationError):
        draft(petition, **conditions)

    unchecked = Invalidation.objects.create(petition=petition, **conditions)
    with pytest.raises(ValueError, match="condition"):
        unchecked.matching_signatures()
    assert bulk.start_run(unchecked, moderator) is False
    assert Signature.objects.get().status == Status.APPROVED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email_domain", "exa mple.org"),
        ("email_domain", "example..org"),
        ("email_domain", "x@example.org"),
        ("ip_hash", "not-a-hash"),
        ("ip_hash", "0" * 33),
    ],
)
def test_malformed_conditions_are_field_errors(petition, field, value):
    with pytest.raises(ValidationError) as error:
        draft(petition, **{field: value})
    assert field in error.value.message_dict


@pytest.mark.django_db
def test_a_reversed_time_window_is_refused(petition):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        draft(petition, signed_after=now, signed_before=now - timedelta(days=1))
    assert "signed_before" in error.value.message_dict


# Run ----------------------------------------------------------------------------------------


@pytest.fixture
def flood(petition, make_signature):
    """A flood from one network across statuses and countries, among honest signatures."""
    statuses = [Status.APPROVED, Status.CONFIRMED, Status.PENDING, Status.SUSPECTED]
    bots = [
        make_signature(
            petition,
            full_name=f"Bot {n}",
            status=statuses[n % 4],
            country=["PK", "IT", "BR"][n % 3],
            ip_hash=HASH,
        )
        for n in range(12)
    ]
    make_signature(petition, full_name="Already spam", status=Status.SPAM, ip_hash=HASH)
    honest = [
        make_signature(petition, full_name="Honest 1", country="PK"),
        make_signature(petition, full_name="Honest 2", status=Status.CONFIRMED, country="IT"),
    ]
    return bots, honest


@pytest.mark.django_db
def test_run_changes_what_the_preview_counted_and_keeps_counts_exact(
    petition, flood, moderator, django_capture_on_commit_callbacks
):
    bots, honest = flood
    assert_counts_exact(petition)
    invalidation = draft(petition, moderator, ip_hash=HASH, new_status=Status.SPAM)
    previewed = set(invalidation.matching_signatures().values_list("pk", flat=True))
    assert previewed == {bot.pk for bot in bots}

    invalidation = run(invalidation, moderator, django_capture_on_commit_callbacks)

    assert invalidation.state == State.DONE
    assert invalidation.matched == invalidation.processed == len(previewed)
    assert invalidation.run_by == moderator and invalidation.finished_at is not None
    changed = set(Signature.objects.filter(status=Status.SPAM).values_list("pk", flat=True))
    assert changed - {Signature.objects.get(full_name="Already spam").pk} == previewed
    assert Signature.objects.get(pk=honest[1].pk).status == Status.CONFIRMED
    assert_counts_exact(petition)
    assert petition.compute_counts()["total"] == 2
    records = dict(invalidation.records.values_list("signature_id", "previous_status"))
    assert records == {bot.pk: bot.status for bot in bots}
    signature_type = ContentType.objects.get_for_model(Signature)
    logged = LogEntry.objects.filter(content_type=signature_type, user=moderator)
    assert set(logged.values_list("object_id", flat=True)) == {str(pk) for pk in previewed}
    assert logged.first().change_message == (
        f"Marked as spam (bulk invalidation {invalidation.pk})"
    )
    own_log = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Invalidation), object_id=invalidation.pk
    )
    assert list(own_log.order_by("pk").values_list("change_message", flat=True)) == [
        "Started: 12 signatures matched",
        "Done: 12 signatures changed",
    ]


@pytest.mark.django_db
def test_run_goes_in_batches_and_records_progress(
    petition, flood, moderator, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(batches, "BATCH_SIZE", 5)
    seen = []
    run_batch = batches._run_batch

    def watched(invalidation, *args):
        pks = run_batch(invalidation, *args)
        seen.append((len(pks), Invalidation.objects.get(pk=invalidation.pk).processed))
        return pks

    monkeypatch.setattr(batches, "_run_batch", watched)
    invalidation = run(draft(petition, ip_hash=HASH), moderator, django_capture_on_commit_callbacks)

    assert seen == [(5, 5), (5, 10), (2, 12), (0, 12)]
    assert invalidation.state == State.DONE and invalidation.progress_percent() == 100
    assert_counts_exact(petition)


@pytest.mark.django_db
def test_a_failed_run_is_recorded_and_can_be_resumed(
    petition, flood, moderator, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(batches, "BATCH_SIZE", 5)
    run_batch = batches._run_batch
    calls = []

    def failing_second_time(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return run_batch(*args)

    monkeypatch.setattr(batches, "_run_batch", failing_second_time)
    invalidation = draft(petition, ip_hash=HASH)
    # The task backend records the task as failed; the invalidation says so too.
    invalidation = run(invalidation, moderator, django_capture_on_commit_callbacks)
    assert invalidation.state == State.FAILED
    assert invalidation.processed == 5 and "database went away" in invalidation.error
    assert_counts_exact(petition)

    monkeypatch.setattr(batches, "_run_batch", run_batch)
    invalidation = run(invalidation, moderator, django_capture_on_commit_callbacks)
    assert invalidation.state == State.DONE
    assert invalidation.processed == invalidation.matched == 12
    assert invalidation.records.count() == 12
    assert_counts_exact(petition)


@pytest.mark.django_db
def test_a_run_starts_once(petition, flood, moderator, django_capture_on_commit_callbacks):
    invalidation = draft(petition, ip_hash=HASH)
    with django_capture_on_commit_callbacks() as callbacks:
        assert bulk.start_run(invalidation, moderator)
        assert not bulk.start_run(invalidation, moderator)
    assert len(callbacks) == 1
    assert Invalidation.objects.get().state == State.RUNNING


# Undo ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_undo_restores_each_previous_status_and_the_counts(
    petition, flood, moderator, django_capture_on_commit_callbacks
):
    bots, _honest = flood
    before = {
        pk: (status, moderated_at, confirmed_at)
        for pk, status, moderated_at, confirmed_at in Signature.objects.values_list(
            "pk", "status", "moderated_at", "confirmed_at"
        )
    }
    figures = petition.compute_counts()
    invalidation = run(
        draft(petition, ip_hash=HASH, new_status=Status.REJECTED),
        moderator,
        django_capture_on_commit_callbacks,
    )
    assert petition.compute_counts() != figures

    invalidation = undo(invalidation, moderator, django_capture_on_commit_callbacks)

    assert invalidation.state == State.UNDONE
    assert invalidation.restored == 12 and invalidation.undo_skipped == 0
    assert invalidation.undone_by == moderator and invalidation.undone_at is not None
    after = {
        pk: (status, moderated_at, confirmed_at)
        for pk, status, moderated_at, confirmed_at in Signature.objects.values_list(
            "pk", "status", "moderated_at", "confirmed_at"
        )
    }
    assert after == before
    assert petition.compute_counts() == figures
    restored_log = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Signature),
        change_message__startswith="Restored",
    )
    assert restored_log.count() == 12
    assert restored_log.filter(
        object_id=str(bots[0].pk),
        change_message=f"Restored to “Approved” (undo of bulk invalidation {invalidation.pk})",
    ).exists()
    assert_counts_exact(petition)
    assert not bulk.start_undo(invalidation, moderator)  # once only


@pytest.mark.django_db
def test_undo_leaves_signatures_changed_since_and_says_how_many(
    petition, flood, moderator, django_capture_on_commit_callbacks
):
    bots, _honest = flood
    invalidation = run(draft(petition, ip_hash=HASH), moderator, django_capture_on_commit_callbacks)
    approved_since, erased_since = bots[1], bots[3]  # bots[1] had confirmed its address
    moderation.moderate(Signature.objects.filter(pk=approved_since.pk), Status.APPROVED, moderator)
    Signature.objects.filter(pk=erased_since.pk).erase()

    invalidation = undo(invalidation, moderator, django_capture_on_commit_callbacks)

    assert invalidation.restored == 10 and invalidation.undo_skipped == 1
    assert Signature.objects.get(pk=approved_since.pk).status == Status.APPROVED
    assert not Signature.objects.filter(status=Status.SPAM, full_name__startswith="Bot").exists()
    results = dict(invalidation.records.values_list("signature_id", "undo_result"))
    assert results[approved_since.pk] == InvalidatedSignature.UndoResult.SKIPPED
    assert_counts_exact(petition)


@pytest.mark.django_db
def test_undo_in_batches_and_the_direct_call(
    petition, flood, moderator, monkeypatch, django_capture_on_commit_callbacks
):
    invalidation = run(draft(petition, ip_hash=HASH), moderator, django_capture_on_commit_callbacks)
    monkeypatch.setattr(batches, "BATCH_SIZE", 5)

    invalidation = batches.undo_invalidation(invalidation.pk, moderator)

    assert invalidation.state == State.UNDONE and invalidation.restored == 12
    assert_counts_exact(petition)
    # Nothing more happens on a second call.
    assert batches.undo_invalidation(invalidation.pk, moderator).restored == 12


@pytest.mark.django_db
def test_a_draft_cannot_be_undone_and_a_done_one_cannot_run_again(
    petition, flood, moderator, django_capture_on_commit_callbacks
):
    invalidation = draft(petition, ip_hash=HASH)
    assert not bulk.start_undo(invalidation, moderator)
    invalidation = run(invalidation, moderator, django_capture_on_commit_callbacks)
    assert not bulk.start_run(invalidation, moderator)
    assert Invalidation.objects.get().state == State.DONE
