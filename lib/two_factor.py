"""The admin's second factor: an authenticator app (TOTP) and one-time recovery codes.

Built on django-otp's devices; this module decides which device a code is meant for, makes
the recovery codes and draws the enrolment QR code on the server (no third-party request).
"""

import base64
import re

import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"^\d{6}$")
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


def normalise_code(code):
    """People copy codes with spaces or dashes ("123 456", "abcd-efgh"); neither is part of it."""
    return re.sub(r"[\s-]", "", code or "").lower()


def is_required():
    return settings.ADMIN_REQUIRE_2FA


def has_authenticator(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_code(user, code):
    """The confirmed device that accepts `code` (and consumes it), or None.

    Six digits go to the authenticator app, anything else to the recovery codes: trying a
    code on every device would count a failure, and a throttling delay, on the others.
    """
    code = normalise_code(code)
    if not code:
        return None
    device_model = TOTPDevice if TOTP_CODE.match(code) else StaticDevice
    with transaction.atomic():
        devices = device_model.objects.filter(user=user, confirmed=True).select_for_update()
        for device in devices:
            if device.verify_token(code):
                return device
    return None


def report_failed_code(request, username):
    """A wrong code counts as a failed login (django-axes listens), like a wrong password."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def pending_authenticator(user):
    """The unconfirmed authenticator being set up: the same secret on every reload of the page,
    so a code from an app that already scanned it keeps working."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def confirm_authenticator(device, code):
    """Confirm the pending device if `code` comes from it; returns the new recovery codes."""
    code = normalise_code(code)
    if not TOTP_CODE.match(code) or not device.verify_token(code):
        return None
    with transaction.atomic():
        # Any earlier authenticator (a lost phone) stops working with the new one.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return replace_recovery_codes(device.user)


def replace_recovery_codes(user):
    """Ten new one-time codes; the old ones stop working. Only their holder ever sees them."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def reset_devices(users):
    """Forget every second factor of `users` (a lost phone): they enrol again at next login."""
    user_ids = [user.pk for user in users]
    TOTPDevice.objects.filter(user_id__in=user_ids).delete()
    StaticDevice.objects.filter(user_id__in=user_ids).delete()


def secret_for_humans(device):
    """The base32 secret in groups of four, for apps without a camera."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device):
    """The otpauth:// address as an SVG data URI: an <img> the strict CSP allows (img-src data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)
