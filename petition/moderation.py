"""Moderation: every change a moderator makes to signers goes through here, counted and logged.

The admin's actions are thin wrappers around these functions, so that counters stay exact
(status changes go through `SignerQuerySet.change_status`) and every change leaves one
`LogEntry` per object, with the moderator who made it, in the admin's moderation log.
"""

from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Signature, SignatureCount, Signer

# What the moderation log says for each status a moderator may set.
STATUS_MESSAGES = {
    Signer.Status.APPROVED: _("Approved"),
    Signer.Status.REJECTED: _("Rejected"),
    Signer.Status.SPAM: _("Marked as spam"),
}
FEATURED_MESSAGE = _("Featured as prominent")
UNFEATURED_MESSAGE = _("No longer prominent")
RECOUNT_DRIFTED_MESSAGE = _("Recounted signatures: the counters had drifted and were corrected")
RECOUNT_EXACT_MESSAGE = _("Recounted signatures: the counters were exact")


@dataclass(frozen=True)
class Outcome:
    """How many selected rows changed, and how many were left alone on purpose."""

    changed: int
    skipped: int = 0


def log_change(objects, user, message):
    """One CHANGE entry per object, in the language the moderator is using."""
    objects = list(objects)
    if objects:
        LogEntry.objects.log_actions(user.pk, objects, CHANGE, str(message))


def _selected(queryset):
    """A plain queryset over the same rows, safe to lock (no joins, no DISTINCT, no ordering)."""
    return queryset.model.objects.filter(pk__in=queryset.values("pk")).order_by()


def moderate(queryset, status, moderator):
    """Move the selected signatures or organisations to `status` and log each change.

    Counters stay exact (`change_status`). Approving skips rows whose email address is
    still unconfirmed: the confirmation link is what proves the signer exists, and a
    moderator must not be able to count a signature nobody confirmed.
    """
    if status not in STATUS_MESSAGES:
        raise ValueError(f"Moderators cannot set the status {status!r}.")
    selected = _selected(queryset)
    with transaction.atomic():
        skipped = 0
        if status == Signer.Status.APPROVED:
            unconfirmed = selected.filter(status=Signer.Status.PENDING)
            skipped = unconfirmed.count()
            selected = selected.exclude(status=Signer.Status.PENDING)
        moved = selected.change_status(status)
        log_change(
            queryset.model.objects.filter(pk__in=moved).order_by("pk"),
            moderator,
            STATUS_MESSAGES[status],
        )
    return Outcome(changed=len(moved), skipped=skipped)


def feature(queryset, moderator, featured=True):
    """Feature the selected signatures among the prominent signatories (or stop featuring them).

    Someone who did not agree to show their name is never featured: those rows are skipped.
    """
    if queryset.model is not Signature:
        raise TypeError("Only signatures can be featured.")
    selected = _selected(queryset)
    with transaction.atomic():
        skipped = 0
        if featured:
            skipped = selected.filter(show_name=False).count()
            selected = selected.filter(show_name=True)
        pks = list(
            selected.exclude(featured=featured).select_for_update().values_list("pk", flat=True)
        )
        Signature.objects.filter(pk__in=pks).update(featured=featured)
        log_change(
            Signature.objects.filter(pk__in=pks).order_by("pk"),
            moderator,
            FEATURED_MESSAGE if featured else UNFEATURED_MESSAGE,
        )
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
    return _selected(queryset).erase()
