"""The public sign forms: a person's signature and an organisation's."""

from django import forms
from django.utils import translation
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from lib.text_checks import TextChecksMixin

from .models import Organisation, Signature
from .protection.bot_traps import SigningChecksMixin
from .widgets import LongSelect


class PreparedChoices(BaseChoiceIterator):
    """Choices already in Django's normal form, which fields and widgets take as they are."""

    def __init__(self, choices):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)


# Sorting and normalising ~250 translated country names cost more than the rest of a
# signature: once per language and process is enough.
_country_choices = {}


def country_choices(field):
    language = translation.get_language()
    if language not in _country_choices:
        # Names as plain strings: a lazy one is translated again at each use.
        _country_choices[language] = PreparedChoices(
            [("", str(_("Choose your country")))]
            + [(code, str(name)) for code, name in field.choices if code]
        )
    return _country_choices[language]


class ConsentFields(forms.Form):
    consent_processing = forms.BooleanField(
        label=_("I agree that my data is processed as the privacy notice explains."),
        error_messages={"required": _("We need your agreement to count your signature.")},
    )
    keep_informed = forms.BooleanField(
        label=_("Keep me informed about this campaign by email."), required=False
    )


class SignatureForm(SigningChecksMixin, TextChecksMixin, forms.ModelForm):
    multiline_fields = ("comment",)

    consent_processing = ConsentFields.base_fields["consent_processing"]
    show_name = forms.BooleanField(
        label=_("Show my name publicly on the list of signatories."), required=False
    )
    keep_informed = ConsentFields.base_fields["keep_informed"]

    class Meta:
        model = Signature
        fields = ["full_name", "email", "country", "city", "organisation", "role", "comment"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
            "country": LongSelect(attrs={"autocomplete": "country"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "role": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "comment": forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        }
        help_texts = {
            "role": _('e.g. "National Committee", "General Secretary"'),
            "organisation": _("Optional: your union, party, university…"),
            "country": _(
                "Where you live: signatures are counted by country, so choose it yourself."
            ),
        }

    field_order = [
        "full_name", "email", "country", "city", "organisation", "role", "comment",
        "consent_processing", "show_name", "keep_informed",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(self.fields["country"])
        self.fields["full_name"].widget.attrs["maxlength"] = 120

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not any(char.isalpha() for char in name):
            raise forms.ValidationError(_("Please enter your name."), code="no_letters")
        return name


class OrganisationForm(SigningChecksMixin, TextChecksMixin, forms.ModelForm):
    multiline_fields = ("statement",)

    consent_processing = ConsentFields.base_fields["consent_processing"]
    keep_informed = ConsentFields.base_fields["keep_informed"]

    class Meta:
        model = Organisation
        fields = [
            "name", "kind", "country", "website", "statement", "contact_name", "email",
        ]  # fmt: skip
        labels = {"email": _("Contact email")}
        help_texts = {
            "contact_name": _("Private: only the campaign team sees the contact person."),
            "email": _("Private: we send the confirmation link here."),
            "statement": _("Optional: a short statement of solidarity, shown publicly."),
        }
        widgets = {
            "country": LongSelect(),
            "statement": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        }

    def clean_website(self):
        url = self.cleaned_data["website"]
        if url and not url.startswith(("https://", "http://")):
            raise forms.ValidationError(_("Enter a web address starting with https://"))
        return url
