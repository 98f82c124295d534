from django.core.management.base import BaseCommand

from campaign.retention import apply_retention as apply_campaign_retention
from petition.retention import apply_retention as apply_petition_retention


class Command(BaseCommand):
    help = (
        "Delete unconfirmed signatures, drop old IP hashes (signers' and reporters') and "
        "anonymise the signers of long-closed petitions (RETENTION_* settings). Run it daily."
    )

    def handle(self, *args, **options):
        # Each app applies its own rules; one run, one line for the log.
        petition = apply_petition_retention()
        campaign = apply_campaign_retention()
        self.stdout.write(
            f"Deleted {petition.unconfirmed_deleted} unconfirmed signatures, dropped "
            f"{petition.ip_hashes_dropped + campaign.ip_hashes_dropped} IP hashes, "
            f"anonymised {petition.signers_anonymised} signers, purged "
            f"{petition.challenges_purged} spent challenges."
        )
