"""What moderating anything has in common: an outcome, and one log entry per changed object.

Signatures, organisations and solidarity actions are moderated by functions of their own
app (petition/moderation.py, campaign/actions.py); each logs every change it makes here, in
the admin's moderation log, with the moderator who made it.
"""

from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.utils.translation import gettext_lazy as _

# What the moderation log says of the decisions every queue offers.
APPROVED_MESSAGE = _("Approved")
REJECTED_MESSAGE = _("Rejected")


@dataclass(frozen=True)
class Outcome:
    """How many selected rows changed, and how many were left alone on purpose."""

    changed: int
    skipped: int = 0


def log_change(objects, user, message):
    """One CHANGE entry per object, in the language the moderator is using. `user`: the
    moderator, or their id (a background task knows only that); None logs nothing."""
    objects = list(objects)
    user_id = getattr(user, "pk", user)
    if objects and user_id:
        LogEntry.objects.log_actions(user_id, objects, CHANGE, str(message))


def selected(queryset):
    """A plain queryset over the same rows, safe to lock (no joins, no DISTINCT, no ordering):
    the admin hands its actions the changelist's queryset."""
    return queryset.model.objects.filter(pk__in=queryset.values("pk")).order_by()
