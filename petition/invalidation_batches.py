"""Bulk invalidation in the background: the run and the undo, in batches (petition/tasks.py).

The run moves the signatures that match in batches of BATCH_SIZE, one transaction each,
through `change_status` (the counting path of every single status change, so the counters
stay exact), records each one's previous status, logs each change, and updates `processed`
so that the admin page can show the progress. The undo restores the previous statuses of the
signatures still in the status the run set, and leaves alone (and counts) the others.
"""

import logging

from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.moderation import log_change

from .models import InvalidatedSignature, Invalidation, Signature, Signer
from .moderation import STATUS_MESSAGES

logger = logging.getLogger(__name__)

BATCH_SIZE = 500

RUN_DONE_MESSAGE = _("Done: %(count)d signatures changed")
RUN_FAILED_MESSAGE = _("Failed after %(count)d signatures; run it again to resume, or undo it")
UNDO_DONE_MESSAGE = _("Undone: %(restored)d signatures restored, %(skipped)d changed since")
SIGNATURE_MESSAGE = _("%(change)s (bulk invalidation %(number)d)")
RESTORED_MESSAGE = _("Restored to “%(status)s” (undo of bulk invalidation %(number)d)")


def log_invalidation(invalidation, user_id, message):
    log_change([invalidation], user_id, message)


def locked(invalidation_id):
    return Invalidation.objects.select_for_update().get(pk=invalidation_id)


def run_invalidation(invalidation_id):
    """Move every matching signature to the invalidation's new status, in batches.

    Only the signatures that matched when the run began are taken (up to the highest pk then),
    so the count shown stays the count changed even while a flood goes on. Each batch commits
    on its own: `processed` shows the progress, and a run that fails part way can be run again
    (what it already changed no longer matches) or undone.
    """
    invalidation = Invalidation.objects.get(pk=invalidation_id)
    if invalidation.state != Invalidation.State.RUNNING:
        return invalidation
    user_id = invalidation.run_by_id or invalidation.created_by_id
    try:
        matching = invalidation.matching_signatures()
        ceiling = matching.aggregate(highest=Max("pk"))["highest"] or 0
        Invalidation.objects.filter(pk=invalidation.pk).update(
            matched=invalidation.processed + matching.count()
        )
        last_pk = 0
        while batch := _run_batch(invalidation, user_id, last_pk, ceiling):
            last_pk = batch[-1]
    except Exception as error:
        logger.exception("Bulk invalidation %s failed", invalidation.pk)
        Invalidation.objects.filter(pk=invalidation.pk).update(
            state=Invalidation.State.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:1000],
        )
        invalidation.refresh_from_db()
        log_invalidation(
            invalidation, user_id, RUN_FAILED_MESSAGE % {"count": invalidation.processed}
        )
        raise
    Invalidation.objects.filter(pk=invalidation.pk).update(
        state=Invalidation.State.DONE, finished_at=timezone.now()
    )
    invalidation.refresh_from_db()
    log_invalidation(invalidation, user_id, RUN_DONE_MESSAGE % {"count": invalidation.processed})
    return invalidation


def _run_batch(invalidation, user_id, last_pk, ceiling):
    """Invalidate the next batch after `last_pk`, in one transaction; returns its pks."""
    with transaction.atomic():
        rows = list(
            invalidation.matching_signatures()
            .filter(pk__gt=last_pk, pk__lte=ceiling)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", "status", "moderated_at")[:BATCH_SIZE]
        )
        if not rows:
            return []
        InvalidatedSignature.objects.bulk_create(
            InvalidatedSignature(
                invalidation=invalidation,
                signature_id=pk,
                previous_status=status,
                previous_moderated_at=moderated_at,
            )
            for pk, status, moderated_at in rows
        )
        pks = [row[0] for row in rows]
        moved = Signature.objects.filter(pk__in=pks).change_status(invalidation.new_status)
        if user_id:
            message = SIGNATURE_MESSAGE % {
                "change": STATUS_MESSAGES[invalidation.new_status],
                "number": invalidation.pk,
            }
            log_change(Signature.objects.filter(pk__in=moved).order_by("pk"), user_id, message)
        Invalidation.objects.filter(pk=invalidation.pk).update(
            processed=F("processed") + len(moved)
        )
    return pks


def undo_invalidation(invalidation_id, user):
    """Restore each invalidated signature's previous status, if it is still in the status the
    run set; a signature a moderator changed since is left alone and counted as skipped.

    Counters stay exact: the restored rows are added back through the same counter table.
    Resumable: each record notes its outcome, so an interrupted undo goes on from there.
    """
    with transaction.atomic():
        invalidation = locked(invalidation_id)
        if invalidation.state != Invalidation.State.UNDOING:
            if not invalidation.can_undo:
                return invalidation
            invalidation.state = Invalidation.State.UNDOING
            invalidation.undone_by = user
            invalidation.save(update_fields=["state", "undone_by"])
    while _undo_batch(invalidation, user):
        pass
    Invalidation.objects.filter(pk=invalidation.pk).update(
        state=Invalidation.State.UNDONE, undone_at=timezone.now()
    )
    invalidation.refresh_from_db()
    log_invalidation(
        invalidation,
        user.pk,
        UNDO_DONE_MESSAGE
        % {"restored": invalidation.restored, "skipped": invalidation.undo_skipped},
    )
    return invalidation


def _undo_batch(invalidation, user):
    """Undo the next batch of records, in one transaction; returns how many it handled."""
    with transaction.atomic():
        records = list(
            invalidation.records.filter(undo_result="")
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", "signature_id", "previous_status")[:BATCH_SIZE]
        )
        if not records:
            return 0
        signatures = {
            pk: (petition_id, country, status)
            for pk, petition_id, country, status in Signature.objects.filter(
                pk__in=[record[1] for record in records]
            )
            .order_by("pk")
            .select_for_update()
            .values_list("pk", "petition_id", "country", "status")
        }
        restore = [
            record
            for record in records
            if record[1] in signatures and signatures[record[1]][2] == invalidation.new_status
        ]
        restored_ids = {record[0] for record in restore}
        previous = InvalidatedSignature.objects.filter(
            invalidation=invalidation, signature=OuterRef("pk")
        )
        Signature.objects.filter(pk__in=[record[1] for record in restore]).update(
            status=Subquery(previous.values("previous_status")[:1]),
            moderated_at=Subquery(previous.values("previous_moderated_at")[:1]),
        )
        Signature.apply_count_changes(
            (
                signatures[signature_id][0],
                signatures[signature_id][1],
                Signer.counts(previous_status) - Signer.counts(invalidation.new_status),
            )
            for _pk, signature_id, previous_status in restore
        )
        for status in {record[2] for record in restore}:
            label = Signer.Status(status).label
            log_change(
                Signature.objects.filter(
                    pk__in=[record[1] for record in restore if record[2] == status]
                ).order_by("pk"),
                user,
                RESTORED_MESSAGE % {"status": label, "number": invalidation.pk},
            )
        InvalidatedSignature.objects.filter(pk__in=restored_ids).update(
            undo_result=InvalidatedSignature.UndoResult.RESTORED
        )
        InvalidatedSignature.objects.filter(pk__in=[record[0] for record in records]).exclude(
            pk__in=restored_ids
        ).update(undo_result=InvalidatedSignature.UndoResult.SKIPPED)
        Invalidation.objects.filter(pk=invalidation.pk).update(
            restored=F("restored") + len(restore),
            undo_skipped=F("undo_skipped") + len(records) - len(restore),
        )
    return len(records)
