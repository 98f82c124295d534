"""Keep reporters' personal data no longer than needed: the campaign's step of
`manage.py apply_retention` (the petition's is petition/retention.py).

An action's IP hash is blanked RETENTION_IP_HASH_DAYS after it was reported: it only serves
to spot floods of reports. The reporter's contact email stays while the action is kept, so
the team can ask about it.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Action


@dataclass
class RetentionReport:
    ip_hashes_dropped: int = 0


def apply_retention(now=None):
    now = now or timezone.now()
    ip_hash_before = now - timedelta(days=settings.RETENTION_IP_HASH_DAYS)
    dropped = (
        Action.objects.filter(submitted_at__lt=ip_hash_before)
        .exclude(ip_hash="")
        .update(ip_hash="")
    )
    return RetentionReport(ip_hashes_dropped=dropped)
