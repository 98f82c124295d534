"""Moderation: every change a moderator makes to signers goes through here, counted and logged.

The admin's actions are thin wrappers around these functions, so that counters stay exact
(status changes go through `SignerQuerySet.change_status`) and every change leaves one
`LogEntry` per object, with the moderator who made it, in the admin's moderation log.

Nothing a moderator does counts a signer whose email address is unconfirmed: the
confirmation link is what proves the signer exists. Approving skips those rows, whatever
their status, and says how many it skipped; releasing a suspected one that never confirmed
puts it back to awaiting confirmation, where its own link counts it.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lib.moderation import APPROVED_MESSAGE, REJECTED_MESSAGE, Outcome, log_change, selected

from .models import Signature, SignatureCount, Signer

# What the moderation log says for each status a moderator may set.
STATUS_MESSAGES = {
    Signer.Status.APPROVED: APPROVED_MESSAGE,
    Signer.Status.REJECTED: REJECTED_MESSAGE,
    Signer.Status.SPAM: _("Marked as spam"),
}
RELEASED_MESSAGE = _("Released from suspected fraud")
FEATURED_MESSAGE = _("Featured as prominent")
UNFEATURED_MESSAGE = _("No longer prominent")
RECOUNT_DRIFTED_MESSAGE = _("Recounted signatures: the counters had drifted and were corrected")
RECOUNT_EXACT_MESSAGE = _("Recounted signatures: the counters were exact")


def moderate(queryset, status, moderator):
    """Move the selected signatures or organisations to `status` and log each change.

    Counters stay exact (`change_status`). Approving skips every row whose email address is
    unconfirmed (pending, or marked spam or suspected before it was confirmed): `skipped`
    says how many.
    """
    if status not in STATUS_MESSAGES:
        raise ValueError(f"Moderators cannot set the status {status!r}.")
    rows = selected(queryset)
    with transaction.atomic():
        skipped = 0
        if status in Signer.COUNTED:
            unconfirmed = rows.filter(confirmed_at__isnull=True).exclude(status=status)
            skipped = unconfirmed.count()
            rows = rows.exclude(pk__in=unconfirmed)
        moved = rows.change_status(status)
        _log(queryset.model, moved, moderator, STATUS_MESSAGES[status])
    return Outcome(changed=len(moved), skipped=skipped)


def release(queryset, moderator):
    """Suspected -> confirmed (counted) if the signer had confirmed, else pending (counted once
    the signer confirms); `skipped`: the selected rows that were not suspected."""
    rows = selected(queryset).filter(status=Signer.Status.SUSPECTED)
    with transaction.atomic():
        moved = rows.filter(confirmed_at__isnull=False).change_status(Signer.Status.CONFIRMED)
        moved += rows.filter(confirmed_at__isnull=True).change_status(Signer.Status.PENDING)
        _log(queryset.model, moved, moderator, RELEASED_MESSAGE)
    skipped = queryset.exclude(pk__in=moved).count()
    return Outcome(changed=len(moved), skipped=skipped)


def feature(queryset, moderator, featured=True):
    """Feature the selected signatures among the prominent signatories (or stop featuring them).

    Someone who did not agree to show their name is never featured: those rows are skipped.
    """
    if queryset.model is not Signature:
        raise TypeError("Only signatures can be featured.")
    rows = selected(queryset)
    with transaction.atomic():
        skipped = 0
        if featured:
            skipped = rows.filter(show_name=False).count()
            rows = rows.filter(show_name=True)
        pks = list(rows.exclude(featured=featured).select_for_update().values_list("pk", flat=True))
        Signature.objects.filter(pk__in=pks).update(featured=featured)
        _log(Signature, pks, moderator, FEATURED_MESSAGE if featured else UNFEATURED_MESSAGE)
    return Outcome(changed=len(pks), skipped=skipped)


def recount(petitions, user):
    """Rebuild each petition's counters from its signatures; returns the petitions that drifted."""
    drifted = []
    for petition in petitions:
        if SignatureCount.rebuild(petition):
            drifted.append(petition)
            log_change([petition], user, RECOUNT_DRIFTED_MESSAGE)
        else:
            log_change([petition], user, RECOUNT_EXACT_MESSAGE)
    return drifted


def erase(queryset):
    """Delete the selected signers for good, taking them off the counters."""
    return selected(queryset).erase()


def _log(model, pks, moderator, message):
    log_change(model.objects.filter(pk__in=pks).order_by("pk"), moderator, message)
