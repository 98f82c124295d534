"""Bulk invalidation of signatures, from the admin: start a run, start an undo.

The admin drafts an `Invalidation` and previews `Invalidation.matching_signatures()` (the very
query the run uses). Starting marks it running and enqueues the run on commit; the run and
the undo are petition/invalidation_batches.py, in the background.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import tasks
from .invalidation_batches import locked, log_invalidation
from .models import Invalidation

RUN_STARTED_MESSAGE = _("Started: %(count)d signatures matched")


def start_run(invalidation, user):
    """Mark a draft (or failed) invalidation as running and enqueue the run; False if it
    could not start (already running, done or undone)."""
    with transaction.atomic():
        invalidation = locked(invalidation.pk)
        if not invalidation.can_run or not invalidation.has_conditions():
            return False
        invalidation.state = Invalidation.State.RUNNING
        invalidation.run_by = user
        invalidation.started_at = timezone.now()
        invalidation.error = ""
        invalidation.matched = invalidation.processed + invalidation.matching_signatures().count()
        invalidation.save()
        log_invalidation(
            invalidation, user.pk, RUN_STARTED_MESSAGE % {"count": invalidation.matched}
        )
        transaction.on_commit(lambda: tasks.run_invalidation.enqueue(invalidation.pk))
    return True


def start_undo(invalidation, user):
    """Mark a done (or failed) invalidation as being undone and enqueue the undo; False if
    there is nothing to undo or an undo is under way."""
    with transaction.atomic():
        invalidation = locked(invalidation.pk)
        if not invalidation.can_undo:
            return False
        invalidation.state = Invalidation.State.UNDOING
        invalidation.undone_by = user
        invalidation.save(update_fields=["state", "undone_by"])
        transaction.on_commit(lambda: tasks.undo_invalidation.enqueue(invalidation.pk, user.pk))
    return True
