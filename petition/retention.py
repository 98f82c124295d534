"""Keep signers' personal data no longer than needed: `manage.py apply_retention`, daily, runs
this and the campaign's own step (campaign/retention.py).

- Unconfirmed signatures are deleted RETENTION_UNCONFIRMED_DAYS after signing.
- IP hashes are blanked RETENTION_IP_HASH_DAYS after signing (they only serve to spot floods).
- RETENTION_ANONYMISE_MONTHS after a petition closes, its signers are anonymised: emails,
  contacts, cities and comments go; names stay only where they were shown publicly.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Organisation, Petition, Signature, Signer, UsedChallenge

SIGNER_MODELS = (Signature, Organisation)


@dataclass
class RetentionReport:
    unconfirmed_deleted: int = 0
    ip_hashes_dropped: int = 0
    signers_anonymised: int = 0
    challenges_purged: int = 0


def apply_retention(now=None):
    now = now or timezone.now()
    report = RetentionReport()
    unconfirmed_before = now - timedelta(days=settings.RETENTION_UNCONFIRMED_DAYS)
    ip_hash_before = now - timedelta(days=settings.RETENTION_IP_HASH_DAYS)
    closed_before = now - timedelta(days=30 * settings.RETENTION_ANONYMISE_MONTHS)
    with transaction.atomic():
        for model in SIGNER_MODELS:
            # Suspected and never confirmed: unconfirmed all the same.
            deleted, _ = (
                model.objects.filter(created_at__lt=unconfirmed_before)
                .filter(
                    Q(status=Signer.Status.PENDING)
                    | Q(status=Signer.Status.SUSPECTED, confirmed_at__isnull=True)
                )
                .erase()
            )
            report.unconfirmed_deleted += deleted
            report.ip_hashes_dropped += (
                model.objects.filter(created_at__lt=ip_hash_before)
                .exclude(ip_hash="")
                .update(ip_hash="")
            )
            report.signers_anonymised += (
                model.objects.filter(petition__in=petitions_to_anonymise(closed_before))
                .exclude(email="")
                .anonymise()
            )
        # Spent proof-of-work challenges only need keeping until they expire.
        report.challenges_purged, _ = UsedChallenge.objects.filter(expires_at__lt=now).delete()
    return report


def petitions_to_anonymise(closed_before):
    """Petitions closed (by status, or by their closing date) before the given time."""
    return Petition.objects.filter(closes_at__lt=closed_before) | Petition.objects.filter(
        status=Petition.Status.CLOSED, closes_at__isnull=True, updated_at__lt=closed_before
    )
