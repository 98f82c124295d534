"""Add to locale_supplements/ what Django and our dependencies leave untranslated."""

import polib
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import to_locale

from config.catalogs import OURS, add_missing_entries


class Command(BaseCommand):
    help = (
        "Add each entry that Django, its contrib apps or our dependencies leave untranslated "
        "in a configured language to locale_supplements/<language>/, for translators to fill."
    )

    def handle(self, *args, **options):
        for language, _name in settings.LANGUAGES:
            if language == "en":
                continue
            ours = polib.pofile(str(OURS / to_locale(language) / "LC_MESSAGES" / "django.po"))
            added = add_missing_entries(language, ours.metadata["Plural-Forms"])
            self.stdout.write(f"{language}: {added} entries added")
