"""The organisation queue: organisations that signed as organisations, and their contacts."""

from django import forms
from django.contrib import admin
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from lib.admin import ReviewQueueFilter
from lib.text_checks import TextChecksMixin
from lib.translations_admin import TranslatedRelatedFilter

from ..models import Organisation
from .signers import RECORDED, SUBMITTED, SignerAdmin


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
    list_filter = [
        ReviewQueueFilter,
        ("petition", TranslatedRelatedFilter),
        "status",
        ("country", CountryFilter),
        "kind",
    ]
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
