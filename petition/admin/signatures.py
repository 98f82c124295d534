"""The signature queue: who signed, what they agreed to show, and who is prominent."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_countries.filters import CountryFilter

from lib.admin import ReviewQueueFilter, report_outcome
from lib.text_checks import TextChecksMixin
from lib.translations_admin import TranslatedRelatedFilter

from .. import moderation
from ..models import Signature
from .signers import (
    BOTH_LOCATIONS,
    RECORDED,
    SUBMITTED,
    SignerAdmin,
)


class SignatureReviewQueueFilter(ReviewQueueFilter):
    """The review queue, and who shows their name, and who is among the prominent."""

    queues = {
        "named": (_("Name shown publicly"), "named"),
        "prominent": (_("Shown among prominent signatories"), "prominent"),
    }


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
        SignatureReviewQueueFilter,
        ("petition", TranslatedRelatedFilter),
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
        report_outcome(
            self,
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
        report_outcome(
            self,
            request,
            outcome,
            ngettext_lazy(
                "%(count)d %(items)s no longer featured.",
                "%(count)d %(items)s no longer featured.",
                "count",
            ),
            None,
        )
