"""Bot traps in the sign forms: a signed "shown at" timestamp and a honeypot field.

People take seconds to fill in the form and never see the honeypot; a script posting at once,
without the page's timestamp, or filling every field, is flagged (never refused).
"""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

FORM_STARTED_SALT = "chorus.sign-form-started"
# Pages may sit in a tab for a while; a timestamp older than this is no longer trusted.
FORM_STARTED_MAX_AGE = 24 * 3600


def form_started_value():
    """A signed "the form was shown at" timestamp, rendered into the form."""
    return signing.TimestampSigner(salt=FORM_STARTED_SALT).sign(str(int(time.time())))


def form_age(value):
    """Seconds since the form was shown, or None if the timestamp is missing, forged or old."""
    try:
        started = signing.TimestampSigner(salt=FORM_STARTED_SALT).unsign(
            value or "", max_age=FORM_STARTED_MAX_AGE
        )
        return time.time() - int(started)
    except (signing.BadSignature, ValueError):
        return None


class SigningChecksMixin(forms.Form):
    """Fields for the bot traps: a hidden timestamp and a honeypot people never see."""

    started = forms.CharField(required=False, widget=forms.HiddenInput, initial=form_started_value)
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def trap_reasons(form, min_fill_seconds):
    """The reasons (verdict.REASONS codes) this submitted form looks sent by a script."""
    reasons = []
    if form.cleaned_data.get("homepage"):
        reasons.append("honeypot")
    if not min_fill_seconds:
        return reasons  # timing check switched off in the admin
    age = form_age(form.cleaned_data.get("started"))
    if age is None:
        reasons.append("untimed")
    elif age < min_fill_seconds:
        reasons.append("too_fast")
    return reasons
