"""What the signature and organisation queues share: privacy, the review queue, the actions.

Personal data stays read-only; statuses change only through the actions (see
petition/moderation.py), so the public counters stay exact and every change is logged.
Email addresses and organisations' private contacts are shown only to users with the
`petition.view_signature_email` permission; IP hashes only to superusers.
"""

from django.contrib import admin
from django.contrib.admin import ActionLocation
from django.contrib.admin.utils import flatten_fieldsets
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from lib.admin import APPROVED_DONE, REJECTED_DONE, report_outcome

from .. import moderation
from ..models import Signer
from ..protection.verdict import describe_reasons

EMAIL_PERMISSION = "petition.view_signature_email"
EMAIL_FIELDS = {"email", "email_canonical"}
BOTH_LOCATIONS = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
# What every signer submitted, read-only; private ones are removed per user (private_fields).
SUBMITTED = ["email", "keep_informed", "language", "consent_version", "consented_at"]
RECORDED = ["created_at", "confirmed_at", "emails_sent", "uuid", "ip_hash_info"]

DONE_MESSAGES = {
    Signer.Status.APPROVED: APPROVED_DONE,
    Signer.Status.REJECTED: REJECTED_DONE,
    Signer.Status.SPAM: ngettext_lazy(
        "Marked %(count)d %(items)s as spam.", "Marked %(count)d %(items)s as spam.", "count"
    ),
}
UNCONFIRMED_SKIPPED = ngettext_lazy(
    "Skipped %(count)d %(items)s whose email address is not confirmed yet: only a confirmed "
    "signature can be counted.",
    "Skipped %(count)d %(items)s whose email addresses are not confirmed yet: only a confirmed "
    "signature can be counted.",
    "count",
)
RELEASED = ngettext_lazy(
    "Released %(count)d %(items)s: counted if confirmed, else awaiting confirmation.",
    "Released %(count)d %(items)s: counted if confirmed, else awaiting confirmation.",
    "count",
)
NOT_SUSPECTED_SKIPPED = ngettext_lazy(
    "Skipped %(count)d %(items)s that was not suspected.",
    "Skipped %(count)d %(items)s that were not suspected.",
    "count",
)


def can_see_contacts(user):
    return user.has_perm(EMAIL_PERMISSION)


class SignerAdmin(admin.ModelAdmin):
    """What the signature and organisation queues share: permissions, privacy, actions."""

    # Filled in by subclasses: what moderators may edit, and the private contact fields.
    editable_fields = ()
    contact_fields = ("email",)
    actions = ["approve", "reject", "mark_spam", "release"]
    date_hierarchy = "created_at"
    list_select_related = ["petition"]
    show_full_result_count = False  # one COUNT(*) over a large table is enough

    def get_queryset(self, request):
        # Each row names its petition: their texts in one query, not one a row.
        return super().get_queryset(request).prefetch_related("petition__translations")

    def has_add_permission(self, request):
        return False  # signers sign through the public forms

    # Privacy: what a user may see ----------------------------------------------------------

    def private_fields(self, request):
        """Fields this user must not see, search or filter on."""
        hidden = set()
        if not can_see_contacts(request.user):
            hidden |= EMAIL_FIELDS | set(self.contact_fields)
        if not request.user.is_superuser:
            hidden |= {"ip_hash", "ip_hash_info"}
        return hidden

    def get_fieldsets(self, request, obj=None):
        hidden = self.private_fields(request)
        return [
            (name, options | {"fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        """Everything but the few display fields moderators may correct."""
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        return [f for f in fields if f not in self.editable_fields]

    def get_list_display(self, request):
        fields = list(self.list_display)
        if can_see_contacts(request.user):
            fields[1:1] = self.contact_fields
        return fields

    def get_search_fields(self, request):
        fields = list(self.search_fields)
        if can_see_contacts(request.user):
            fields += self.contact_fields
        return fields

    def lookup_allowed(self, lookup, value, request):
        # Django allows any lookup on a local field; without this, ?email__startswith=a
        # would let a moderator guess addresses one letter at a time.
        if lookup.split("__", 1)[0] in self.private_fields(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("why suspected"))
    def why_suspected(self, obj):
        return describe_reasons(obj.suspicion) or "-"

    @admin.display(description=_("IP hash"))
    def ip_hash_info(self, obj):
        if not obj.ip_hash:
            return "-"
        others = type(obj).objects.filter(ip_hash=obj.ip_hash).count()
        url = reverse(f"admin:petition_{self.opts.model_name}_changelist")
        return format_html(
            '{} (<a href="{}?{}">{}</a>)',
            obj.ip_hash,
            url,
            urlencode({"ip_hash": obj.ip_hash}),
            _("%(count)d from this address") % {"count": others},
        )

    # Deleting (superusers only: moderators have no delete permission) ----------------------

    def delete_model(self, request, obj):
        moderation.erase(type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        moderation.erase(queryset)

    # Actions ----------------------------------------------------------------------------

    def _moderate(self, request, queryset, status):
        outcome = moderation.moderate(queryset, status, request.user)
        report_outcome(self, request, outcome, DONE_MESSAGES[status], UNCONFIRMED_SKIPPED)

    @admin.action(
        permissions=["change"],
        description=_("Approve this %(verbose_name)s"),
        description_plural=_("Approve selected %(verbose_name_plural)s"),
        location=BOTH_LOCATIONS,
    )
    def approve(self, request, queryset):
        self._moderate(request, queryset, Signer.Status.APPROVED)

    @admin.action(
        permissions=["change"],
        description=_("Reject this %(verbose_name)s"),
        description_plural=_("Reject selected %(verbose_name_plural)s"),
        location=BOTH_LOCATIONS,
    )
    def reject(self, request, queryset):
        self._moderate(request, queryset, Signer.Status.REJECTED)

    @admin.action(
        permissions=["change"],
        description=_("Mark this %(verbose_name)s as spam"),
        description_plural=_("Mark selected %(verbose_name_plural)s as spam"),
        location=BOTH_LOCATIONS,
    )
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Signer.Status.SPAM)

    @admin.action(
        permissions=["change"],
        description=_("Release this %(verbose_name)s from suspected fraud"),
        description_plural=_("Release selected %(verbose_name_plural)s from suspected fraud"),
        location=BOTH_LOCATIONS,
    )
    def release(self, request, queryset):
        outcome = moderation.release(queryset, request.user)
        report_outcome(self, request, outcome, RELEASED, NOT_SUSPECTED_SKIPPED)
