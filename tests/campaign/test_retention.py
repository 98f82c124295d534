"""The campaign's step of `manage.py apply_retention`: reporters' IP hashes go after a month."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaign.models import Action
from campaign.retention import apply_retention

from .action_factories import make_action

pytestmark = pytest.mark.django_db


def test_ip_hashes_of_reported_actions_are_dropped(settings):
    settings.RETENTION_IP_HASH_DAYS = 30
    old, fresh = make_action(), make_action()
    Action.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=31))
    assert apply_retention().ip_hashes_dropped == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.ip_hash == "" and fresh.ip_hash != ""
    assert apply_retention().ip_hashes_dropped == 0  # nothing left to do


def test_the_command_runs_both_apps_steps(settings, petition, make_signature):
    settings.RETENTION_IP_HASH_DAYS = 30
    long_ago = timezone.now() - timedelta(days=31)
    action = make_action()
    Action.objects.filter(pk=action.pk).update(submitted_at=long_ago)
    signature = make_signature(petition, ip_hash="0123456789abcdef0123456789abcdef")
    type(signature).objects.filter(pk=signature.pk).update(created_at=long_ago)

    out = StringIO()
    call_command("apply_retention", stdout=out)

    assert "dropped 2 IP hashes" in out.getvalue()
    action.refresh_from_db()
    signature.refresh_from_db()
    assert action.ip_hash == "" and signature.ip_hash == ""
