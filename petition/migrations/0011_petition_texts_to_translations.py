from django.db import migrations

from lib.content_languages import copy_texts_to_translations, copy_translations_to_texts

FIELDS = ["title", "lead", "demands", "addressee"]


def forwards(apps, schema_editor):
    copy_texts_to_translations(apps, "petition", "Petition", "PetitionTranslation", FIELDS)


def backwards(apps, schema_editor):
    copy_translations_to_texts(apps, "petition", "Petition", "PetitionTranslation", FIELDS)


class Migration(migrations.Migration):
    # Every existing petition was written in one language: LANGUAGE_CODE, its
    # original_language's default. Its texts become that language's row.

    dependencies = [
        ("petition", "0010_petition_translations"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
