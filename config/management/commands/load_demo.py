"""Seed a demo campaign: one open petition, invented signatories and organisations, a moderator
(petition/demo.py), and the campaign around it: people we campaign for, news, solidarity
actions (campaign/demo.py).

Running it again leaves the data as it is (the petition is keyed on its slug, each campaign
row on its own, so only missing ones are added); `--reset` rebuilds it.
"""

import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from campaign import demo as campaign_demo
from petition import demo as petition_demo
from petition.models import Petition


class Command(BaseCommand):
    help = "Load a demo campaign with invented signatories and a demo moderator (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-password",
            action="store_true",
            help="Print the demo moderator's password and exit, changing nothing.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Load the demo data even with DEBUG off."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo petition and build it again."
        )
        parser.add_argument(
            "--seed", type=int, default=petition_demo.DEFAULT_SEED, help="Random seed."
        )

    def handle(self, *args, **options):
        if options["print_password"]:
            self.stdout.write(petition_demo.moderator_password())
            return
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like production. Demo data is invented; "
                "pass --force if you really want it in this database."
            )
        with transaction.atomic():
            petition = Petition.objects.filter(slug=petition_demo.DEMO_SLUG).first()
            if options["reset"]:
                if petition:
                    try:
                        petition_demo.delete(petition)
                    except petition_demo.DemoError as error:
                        raise CommandError(str(error)) from error
                    petition = None
                campaign_demo.reset()
            created = petition is None
            if created:
                petition = petition_demo.build(random.Random(options["seed"]))
            moderator = petition_demo.ensure_moderator()
            campaign_created = campaign_demo.load(petition, moderator)
        self.stdout.write(petition_demo.describe(petition, created))
        self.stdout.write(campaign_demo.describe(campaign_created))
