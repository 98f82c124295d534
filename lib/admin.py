"""What every review queue in the back office shares: the queue filter and the messages.

Each queue (signatures, organisations, solidarity actions) reviews the same way: a filter
first in the sidebar with the number waiting, actions that approve or reject in bulk, and one
message for what changed, one for what was skipped and why.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

APPROVED_DONE = ngettext_lazy(
    "Approved %(count)d %(items)s.", "Approved %(count)d %(items)s.", "count"
)
REJECTED_DONE = ngettext_lazy(
    "Rejected %(count)d %(items)s.", "Rejected %(count)d %(items)s.", "count"
)
NOTHING_CHANGED = _("Nothing changed: the selected %(items)s were already in that state.")


class ReviewQueueFilter(admin.SimpleListFilter):
    """The moderators' queue, first in the sidebar, with its size. The model's QuerySet says
    what waits (`awaiting_moderation()`); `queues` adds other views of the list."""

    title = _("review queue")
    parameter_name = "queue"
    queues = {}  # value -> (label, QuerySet method name)

    def lookups(self, request, model_admin):
        waiting = model_admin.get_queryset(request).awaiting_moderation().count()
        choices = [("review", _("Awaiting review (%(count)d)") % {"count": waiting})]
        return choices + [(value, label) for value, (label, _method) in self.queues.items()]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.awaiting_moderation()
        if self.value() in self.queues:
            return getattr(queryset, self.queues[self.value()][1])()
        return queryset


def report_outcome(model_admin, request, outcome, done, skipped=None):
    """Tell the moderator what changed and, if anything was skipped, how many and why."""
    opts = model_admin.opts
    if outcome.changed:
        items = model_ngettext(opts, outcome.changed)
        model_admin.message_user(
            request, done % {"count": outcome.changed, "items": items}, messages.SUCCESS
        )
    if outcome.skipped and skipped is not None:
        items = model_ngettext(opts, outcome.skipped)
        model_admin.message_user(
            request, skipped % {"count": outcome.skipped, "items": items}, messages.WARNING
        )
    if not outcome.changed and not outcome.skipped:
        items = opts.verbose_name_plural
        model_admin.message_user(request, NOTHING_CHANGED % {"items": items}, messages.INFO)
