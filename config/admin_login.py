"""Logging into the admin with a second factor, setting one up, and replacing recovery codes.

A member of staff with no second factor yet who gives the right password is not logged in:
the session only remembers who they are, for a few minutes, so that the enrolment page can
show them a new authenticator secret. They are logged in once a code from it is confirmed.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib import two_factor

ENROLMENT_SESSION_KEY = "admin_enrolment"
ENROLMENT_MAX_SECONDS = 15 * 60
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class AdminLoginForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=40,
        strip=True,
        help_text=_(
            "The 6-digit code from your authenticator app, or one of your recovery codes. "
            "Leave it empty the first time you log in: you will then set up the app."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    # One message for a wrong password and a wrong code, so that a guesser cannot learn that
    # the password was right.
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s, password and code for a staff account. "
            "Username and password are case-sensitive."
        ),
    }

    def clean(self):
        cleaned_data = super().clean()  # password (counted by django-axes), staff status
        self.needs_enrolment = False
        user = self.user_cache
        if user is None:  # a field was left empty: its own error says so
            return cleaned_data
        code = self.cleaned_data.get("otp_token", "")
        has_device = two_factor.has_authenticator(user) or two_factor.recovery_codes_left(user)
        if not has_device:
            self.needs_enrolment = two_factor.is_required()
            return cleaned_data
        if not code and not two_factor.is_required():
            return cleaned_data
        device = two_factor.verify_code(user, code)
        if device is None:
            two_factor.report_failed_code(self.request, self.cleaned_data.get("username"))
            raise self.get_invalid_login_error()
        user.otp_device = device  # django_otp marks the session verified when it logs in
        return cleaned_data


class AdminLoginView(LoginView):
    admin_site = None

    def form_valid(self, form):
        if form.needs_enrolment:
            start_enrolment(self.request, form.get_user(), self.get_success_url())
            return redirect("admin:two_factor_enrol")
        return super().form_valid(form)


def start_enrolment(request, user, next_url):
    request.session.cycle_key()
    request.session[ENROLMENT_SESSION_KEY] = {
        "user": user.pk,
        "started": timezone.now().timestamp(),
        "next": next_url,
    }


def enrolling_user(request):
    """Who proved their password moments ago and has no second factor yet, or None."""
    pending = request.session.get(ENROLMENT_SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    if timezone.now().timestamp() - pending.get("started", 0) > ENROLMENT_MAX_SECONDS:
        del request.session[ENROLMENT_SESSION_KEY]
        return None
    user = (
        get_user_model()
        ._default_manager.filter(pk=pending.get("user"), is_active=True, is_staff=True)
        .first()
    )
    if user is None or two_factor.has_authenticator(user):
        return None
    return user


class EnrolmentForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


@sensitive_post_parameters("otp_token")
@csrf_protect
@never_cache
def enrol(request, admin_site):
    user = enrolling_user(request)
    if user is None:
        messages.info(request, _("Log in with your username and password to set up the app."))
        return redirect("admin:login")
    device = two_factor.pending_authenticator(user)
    form = EnrolmentForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.confirm_authenticator(device, form.cleaned_data["otp_token"])
        if codes is None:
            two_factor.report_failed_code(request, user.get_username())
            form.add_error(
                "otp_token",
                _("That code is not right. Enter the 6 digits the app shows now."),
            )
        else:
            next_url = request.session.pop(ENROLMENT_SESSION_KEY, {}).get("next", "")
            auth_login(request, user, backend=MODEL_BACKEND)
            otp_login(request, TOTPDevice.objects.get(pk=device.pk))
            if not url_has_allowed_host_and_scheme(
                next_url, {request.get_host()}, request.is_secure()
            ):
                next_url = ""
            return _show_recovery_codes(request, admin_site, codes, next_url)
    context = {
        **admin_site.each_context(request),
        "title": _("Set up your authenticator app"),
        "form": form,
        "enrolling_username": user.get_username(),
        "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_for_humans(device),
    }
    return render(request, "admin/two_factor/enrol.html", context)


@sensitive_post_parameters()
@never_cache
def two_factor_settings(request, admin_site):
    """What second factor the member of staff has; new recovery codes (the old ones stop)."""
    if request.method == "POST":
        codes = two_factor.replace_recovery_codes(request.user)
        return _show_recovery_codes(request, admin_site, codes, "")
    authenticator = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    context = {
        **admin_site.each_context(request),
        "title": _("Two-factor authentication"),
        "authenticator": authenticator,
        "recovery_codes_left": two_factor.recovery_codes_left(request.user),
        "required": two_factor.is_required(),
    }
    return render(request, "admin/two_factor/settings.html", context)


def _show_recovery_codes(request, admin_site, codes, next_url):
    """Shown once, never stored in a form: the response must not be cached (never_cache)."""
    context = {
        **admin_site.each_context(request),
        "title": _("Your recovery codes"),
        "codes": codes,
        "next_url": next_url,
    }
    return render(request, "admin/two_factor/recovery_codes.html", context)
