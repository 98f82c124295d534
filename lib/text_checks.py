"""What people type is checked before anyone reads it: no invisible control characters, no
bidirectional overrides that make a name display as something else, and no spreadsheet
formula prefixes (a moderator's export must not run what a signer typed)."""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Bidirectional overrides let a name display as something else; joiners (ZWJ, ZWNJ) stay allowed.
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def check_text(value, *, multiline=False):
    """Refuse control characters and spreadsheet-formula prefixes; returns the stripped value."""
    allowed = {"\n"} if multiline else set()
    for char in value:
        if char in allowed:
            continue
        if unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS:
            raise forms.ValidationError(
                _("Please remove the invisible or control characters."), code="control"
            )
    if value.startswith(FORMULA_PREFIXES):
        raise forms.ValidationError(_("This cannot start with =, +, - or @."), code="formula")
    return value


class TextChecksMixin:
    """Apply check_text to every text field the form declares."""

    multiline_fields = ()

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if isinstance(value, str) and isinstance(field, forms.CharField) and value:
                try:
                    cleaned[name] = check_text(value, multiline=name in self.multiline_fields)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned
