from django.core.management.base import BaseCommand

from petition.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Delete unconfirmed signatures, drop old IP hashes and anonymise the signers of "
        "long-closed petitions (RETENTION_* settings). Schedule it daily."
    )

    def handle(self, *args, **options):
        report = apply_retention()
        self.stdout.write(
            f"Deleted {report.unconfirmed_deleted} unconfirmed signatures, dropped "
            f"{report.ip_hashes_dropped} IP hashes, anonymised {report.signers_anonymised} signers."
        )
