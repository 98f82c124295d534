"""Brute-force protection of the admin login, on top of django-axes (see settings AXES_*).

Failures are counted per username *and* client address, so someone elsewhere cannot lock
a moderator out; the lock lifts by itself after the cool-off.
"""

import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.shortcuts import render
from django.utils import timezone

from lib.ip import ip_hash


class MinimalRecordsHandler(AxesDatabaseHandler):
    """django-axes' database records without the browser's user agent and Accept header:
    the lockout needs the username, the address and the count, nothing that profiles staff."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is not None:
            request.axes_user_agent = ""
            request.axes_http_accept = ""
        return super().user_login_failed(sender, credentials, request=request, **kwargs)


def client_description(username, ip_address, user_agent, path_info, request):
    """How django-axes' log lines name a client: lib/logs.py keeps addresses out of logs."""
    return f"network {ip_hash(ip_address or '')[:12] or 'unknown'}"


def minutes_until_unlocked(request, credentials):
    cool_off = get_cool_off(request)
    attempt = (
        AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=getattr(request, "axes_ip_address", None),
        )
        .order_by("-attempt_time")
        .first()
    )
    if attempt is None:
        return math.ceil(cool_off.total_seconds() / 60)
    remaining = attempt.attempt_time + cool_off - timezone.now()
    return max(1, math.ceil(remaining.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """A calm page saying when to try again; nothing about whether the account exists."""
    from django.contrib import admin

    context = {
        **admin.site.each_context(request),
        "title": "",
        "minutes": minutes_until_unlocked(request, credentials),
    }
    return render(request, "admin/two_factor/locked_out.html", context, status=429)
