from django.db import migrations

from lib.content_languages import copy_texts_to_translations, copy_translations_to_texts


def forwards(apps, schema_editor):
    copy_texts_to_translations(
        apps, "campaign", "CaseStatusChange", "CaseStatusChangeTranslation", ["note"]
    )


def backwards(apps, schema_editor):
    copy_translations_to_texts(
        apps, "campaign", "CaseStatusChange", "CaseStatusChangeTranslation", ["note"]
    )


class Migration(migrations.Migration):
    # Every existing note was written in LANGUAGE_CODE, its original_language's default.

    dependencies = [
        ("campaign", "0009_status_note_translations"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
