"""Recount every petition's signatures from the rows themselves and repair drifted counters.

Counters are kept exact by every status change, so drift means something bypassed them
(a manual SQL fix, a restored backup, a bug). Schedule this (cron, systemd timer) as the
periodic check: it prints one line per petition whose counters had drifted, and nothing
else unless asked with --verbosity 2, so that cron only mails when there is news.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum

from petition.models import Petition, SignatureCount


class Command(BaseCommand):
    help = "Recount signatures and repair the counters of petitions that had drifted."

    def add_arguments(self, parser):
        parser.add_argument(
            "--petition",
            action="append",
            metavar="SLUG",
            help="Only this petition (may be given more than once). Default: every petition.",
        )

    def handle(self, *args, **options):
        petitions = Petition.objects.order_by("pk")
        if options["petition"]:
            slugs = set(options["petition"])
            petitions = petitions.filter(slug__in=slugs)
            missing = slugs - {petition.slug for petition in petitions}
            if missing:
                raise CommandError(f"Unknown petition slug: {', '.join(sorted(missing))}.")
        drifted = 0
        for petition in petitions:
            before = self._counted(petition)
            if SignatureCount.rebuild(petition):
                drifted += 1
                self.stdout.write(
                    f"{petition.slug}: drifted: the counters said {before}, the signatures "
                    f"say {self._counted(petition)}; counters rebuilt."
                )
            elif options["verbosity"] >= 2:
                self.stdout.write(f"{petition.slug}: exact ({before}).")
        if options["verbosity"] >= 2 or drifted:
            self.stdout.write(f"{drifted} of {len(petitions)} petitions had drifted.")

    @staticmethod
    def _counted(petition):
        total = SignatureCount.objects.filter(petition=petition).aggregate(n=Sum("signatures"))
        return total["n"] or 0
