"""The moderation back office: petitions, the signature and organisation queues, the log.

Personal data stays read-only; statuses change only through the actions (see
petition/moderation.py), so the public counters stay exact and every change is logged.
Email addresses and organisations' private contacts are shown only to users with the
`petition.view_signature_email` permission; IP hashes only to superusers.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import flatten_fieldsets, model_ngettext
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_countries.filters import CountryFilter

from .. import moderation, protection
from ..forms import TextChecksMixin
from ..models import Organisation, Petition, Signature, SignatureCount, Signer

EMAIL_PERMISSION = "petition.view_signature_email"
EMAIL_FIELDS = {"email", "email_canonical"}
BOTH_LOCATIONS = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
# What every signer submitted, read-only; private ones are removed per user (private_fields).
SUBMITTED = ["email", "keep_informed", "language", "consent_version", "consented_at"]
RECORDED = ["created_at", "confirmed_at", "emails_sent", "uuid", "ip_hash_info"]

DONE_MESSAGES = {
    Signer.Status.APPROVED: ngettext_lazy(
        "Approved %(count)d %(items)s.", "Approved %(count)d %(items)s.", "count"
    ),
    Signer.Status.REJECTED: ngettext_lazy(
        "Rejected %(count)d %(items)s.", "Rejected %(count)d %(items)s.", "count"
    ),
    Signer.Status.SPAM: ngettext_lazy(
        "Marked %(count)d %(items)s as spam.", "Marked %(count)d %(items)s as spam.", "count"
    ),
}
UNCONFIRMED_SKIPPED = ngettext_lazy(
    "Skipped %(count)d %(items)s whose email address is not confirmed yet.",
    "Skipped %(count)d %(items)s whose email addresses are not confirmed yet.",
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
NOTHING_CHANGED = _("Nothing changed: the selected %(items)s were already in that state.")


def can_see_contacts(user):
    return user.has_perm(EMAIL_PERMISSION)


class ReviewQueueFilter(admin.SimpleListFilter):
    """The moderators' queue, first in the sidebar, with its size."""

    title = _("review queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        waiting = model_admin.get_queryset(request).awaiting_moderation().count()
        choices = [("review", _("Awaiting review (%(count)d)") % {"count": waiting})]
        if model_admin.model is Signature:
            choices += [
                ("named", _("Name shown publicly")),
                ("prominent", _("Shown among prominent signatories")),
            ]
        return choices

    def queryset(self, request, queryset):
        match self.value():
            case "review":
                return queryset.awaiting_moderation()
            case "named":
                return queryset.named()
            case "prominent":
                return queryset.prominent()
        return queryset


class SignerAdmin(admin.ModelAdmin):
    """What the signature and organisation queues share: permissions, privacy, actions."""

    # Filled in by subclasses: what moderators may edit, and the private contact fields.
    editable_fields = ()
    contact_fields = ("email",)
    actions = ["approve", "reject", "mark_spam", "release"]
    date_hierarchy = "created_at"
    list_select_related = ["petition"]
    show_full_result_count = False  # one COUNT(*) over a large table is enough

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
        return protection.describe_reasons(obj.suspicion) or "-"

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
        self._report(request, outcome, DONE_MESSAGES[status], UNCONFIRMED_SKIPPED)

    def _report(self, request, outcome, done, skipped):
        if outcome.changed:
            items = model_ngettext(self.opts, outcome.changed)
            self.message_user(
                request, done % {"count": outcome.changed, "items": items}, messages.SUCCESS
            )
        if outcome.skipped:
            items = model_ngettext(self.opts, outcome.skipped)
            self.message_user(
                request, skipped % {"count": outcome.skipped, "items": items}, messages.WARNING
            )
        if not outcome.changed and not outcome.skipped:
            items = self.opts.verbose_name_plural
            self.message_user(request, NOTHING_CHANGED % {"items": items}, messages.INFO)

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
        outcome = protection.release(queryset, request.user)
        self._report(request, outcome, RELEASED, NOT_SUSPECTED_SKIPPED)


class SignatureAdminForm(TextChecksMixin, forms.ModelForm):
    class Meta:
        model = Signature
        fields = ["full_name", "role", "organisation", "city", "featured", "featured_order"]

    def clean_featured(self):
        featured = self.cleaned_data.get("featured")
        if featured and not self.instance.show_name:
            raise forms.ValidationError(
                _("This signer did not agree to show their name publicly: never feature them."),
                code="no_consent",
            )
        return featured


@admin.register(Signature)
class SignatureAdmin(SignerAdmin):
    form = SignatureAdminForm
    editable_fields = SignatureAdminForm.Meta.fields
    list_display = [
        "full_name",
        "credentials",
        "country",
        "city",
        "petition",
        "status",
        "featured",
        "featured_order",
        "confirmed_at",
        "show_name",
    ]
    list_editable = ["featured_order"]
    list_filter = [
        ReviewQueueFilter,
        "petition",
        ("country", CountryFilter),
        "status",
        "featured",
        "show_name",
        "confirmed_at",
    ]
    search_fields = ["full_name", "organisation", "role", "city"]
    search_help_text = _("Search by name, organisation, role or city.")
    actions = [*SignerAdmin.actions, "feature", "unfeature"]
    fieldsets = [
        (
            _("Shown publicly"),
            {
                "fields": ["full_name", "role", "organisation", "city"],
                "description": _("Correct how the name, role or organisation is displayed."),
            },
        ),
        (
            _("Moderation"),
            {
                "fields": [
                    "status",
                    "why_suspected",
                    "name_shown",
                    "featured",
                    "featured_order",
                    "moderated_at",
                ]
            },
        ),
        (
            _("Submitted by the signer"),
            {"fields": ["petition", "country", "comment", "show_name", *SUBMITTED, *RECORDED]},
        ),
    ]

    @admin.display(description=_("role, organisation"))
    def credentials(self, obj):
        return obj.credentials

    @admin.display(description=_("name shown publicly"), boolean=True)
    def name_shown(self, obj):
        return obj.shows_name

    @admin.action(
        permissions=["change"],
        description=_("Feature this signature as prominent"),
        description_plural=_("Feature selected signatures as prominent"),
        location=BOTH_LOCATIONS,
    )
    def feature(self, request, queryset):
        outcome = moderation.feature(queryset, request.user, featured=True)
        self._report(
            request,
            outcome,
            ngettext_lazy(
                "Featured %(count)d %(items)s as prominent.",
                "Featured %(count)d %(items)s as prominent.",
                "count",
            ),
            ngettext_lazy(
                "Skipped %(count)d %(items)s: the signer did not agree to show their name.",
                "Skipped %(count)d %(items)s: the signers did not agree to show their names.",
                "count",
            ),
        )

    @admin.action(
        permissions=["change"],
        description=_("Stop featuring this signature"),
        description_plural=_("Stop featuring selected signatures"),
        location=BOTH_LOCATIONS,
    )
    def unfeature(self, request, queryset):
        outcome = moderation.feature(queryset, request.user, featured=False)
        self._report(
            request,
            outcome,
            ngettext_lazy(
                "%(count)d %(items)s no longer featured.",
                "%(count)d %(items)s no longer featured.",
                "count",
            ),
            None,
        )


class OrganisationAdminForm(TextChecksMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "website"]

    def clean_name(self):
        # The unique constraint involves read-only fields, so the form would not check it.
        name = self.cleaned_data["name"]
        taken = (
            Organisation.objects.filter(
                petition_id=self.instance.petition_id, country=self.instance.country
            )
            .exclude(pk=self.instance.pk)
            .annotate(lower_name=Lower("name"))
            .filter(lower_name=name.lower())
        )
        if taken.exists():
            raise forms.ValidationError(
                _("An organisation with this name from this country already signed."),
                code="duplicate",
            )
        return name


@admin.register(Organisation)
class OrganisationAdmin(SignerAdmin):
    form = OrganisationAdminForm
    editable_fields = OrganisationAdminForm.Meta.fields
    contact_fields = ("contact_name", "email")
    list_display = ["name", "kind", "country", "petition", "status", "confirmed_at"]
    list_filter = [ReviewQueueFilter, "petition", "status", ("country", CountryFilter), "kind"]
    search_fields = ["name"]
    search_help_text = _("Search by organisation name.")
    fieldsets = [
        (_("Shown publicly"), {"fields": ["name", "kind", "website", "statement"]}),
        (_("Moderation"), {"fields": ["status", "why_suspected", "moderated_at"]}),
        (
            _("Submitted by the organisation"),
            {"fields": ["petition", "country", "contact_name", *SUBMITTED, *RECORDED]},
        ),
    ]


def _review_count(model):
    return Coalesce(
        Subquery(
            model.objects.filter(petition=OuterRef("pk"), status=Signer.Status.CONFIRMED)
            .order_by()
            .values("petition")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "moderation", "opens_at", "closes_at", "total", "to_review"]
    list_filter = ["status", "moderation"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    actions = ["recount"]

    def get_queryset(self, request):
        # Totals straight from the counter table (the same sum counts() caches), and the
        # review queues, in the changelist's one query rather than a few per petition.
        counted = (
            SignatureCount.objects.filter(petition=OuterRef("pk"))
            .order_by()
            .values("petition")
            .annotate(n=Sum("signatures"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                counted_total=Coalesce(Subquery(counted), 0),
                signatures_waiting=_review_count(Signature),
                organisations_waiting=_review_count(Organisation),
            )
        )

    @admin.display(description=_("signatures (goal)"), ordering="counted_total")
    def total(self, obj):
        return _("%(total)d of %(goal)d (%(percent)d%%)") % {
            "total": obj.counted_total,
            "goal": obj.goal,
            "percent": obj.progress_percent(obj.counted_total),
        }

    @admin.display(description=_("awaiting review"))
    def to_review(self, obj):
        """Links to the petition's review queues, e.g. "3 signatures, 1 organisation"."""
        query = urlencode({"petition__id__exact": obj.pk, "queue": "review"})
        queues = [(Signature, obj.signatures_waiting), (Organisation, obj.organisations_waiting)]
        links = []
        for model, count in queues:
            url = reverse(f"admin:petition_{model._meta.model_name}_changelist")
            links.append((url, query, count, model_ngettext(model, count)))
        return format_html_join(", ", '<a href="{}?{}">{} {}</a>', links)

    @admin.action(permissions=["change"], description=_("Recount signatures"))
    def recount(self, request, queryset):
        drifted = moderation.recount(queryset, request.user)
        for petition in drifted:
            self.message_user(
                request,
                _("The counters of “%(title)s” had drifted; they have been recounted.")
                % {"title": petition.title},
                messages.WARNING,
            )
        exact = len(queryset) - len(drifted)
        if exact:
            self.message_user(
                request,
                ngettext_lazy(
                    "The counters of %(count)d petition were exact.",
                    "The counters of %(count)d petitions were exact.",
                    "count",
                )
                % {"count": exact},
                messages.SUCCESS,
            )


@admin.register(LogEntry)
class ModerationLogAdmin(admin.ModelAdmin):
    """Read-only: who approved, rejected, featured or edited what, and when."""

    list_display = ["action_time", "user", "content_type", "object_link", "message", "action_flag"]
    list_filter = [
        ("user", admin.RelatedOnlyFieldListFilter),
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "action_flag",
    ]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "action_time"
    search_fields = ["object_repr", "change_message"]
    search_help_text = _("Search by object name or message.")
    fields = readonly_fields = list_display

    def get_queryset(self, request):
        entries = super().get_queryset(request)
        if not request.user.is_superuser:
            # Moderators see the moderation of the campaign, not user administration.
            entries = entries.filter(content_type__app_label__in=["petition", "campaign"])
        return entries

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Moderation log")} | (extra_context or {})
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("object"), ordering="object_repr")
    def object_link(self, entry):
        url = entry.get_admin_url() if not entry.is_deletion() else None
        if url:
            return format_html('<a href="{}">{}</a>', url, entry.object_repr)
        return entry.object_repr

    @admin.display(description=_("change message"))
    def message(self, entry):
        return entry.get_change_message()
