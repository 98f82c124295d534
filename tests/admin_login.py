"""Logging a member of staff into the admin in tests, second factor included."""

import time

from django.contrib.auth.models import Group, Permission, User
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_for(user):
    """The user's confirmed authenticator app (a TOTP device), made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)


def current_code(device, step_offset=0):
    """The 6 digits the user's phone shows now (or `step_offset` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


def login_verified(client, user):
    """Log `user` in as the admin requires: a session verified by their second factor."""
    device = authenticator_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def make_staff(username, *, groups=("Moderators",), permissions=()):
    """A member of staff in `groups`, with extra permissions by codename."""
    user = User.objects.create_user(username, password="x", is_staff=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user
