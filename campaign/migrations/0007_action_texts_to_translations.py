from django.db import migrations

from lib.content_languages import copy_texts_to_translations, copy_translations_to_texts

FIELDS = ["title", "description", "statement"]


def forwards(apps, schema_editor):
    copy_texts_to_translations(apps, "campaign", "Action", "ActionTranslation", FIELDS)


def backwards(apps, schema_editor):
    copy_translations_to_texts(apps, "campaign", "Action", "ActionTranslation", FIELDS)


class Migration(migrations.Migration):
    # Every existing action was stored in one language: LANGUAGE_CODE, its
    # original_language's default. Its texts become that language's row.

    dependencies = [
        ("campaign", "0006_action_translations"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
