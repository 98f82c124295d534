from django.db import migrations

from lib.content_languages import copy_texts_to_translations, copy_translations_to_texts

TEXTS = {
    "Update": ("UpdateTranslation", ["title", "lead", "body"]),
    "Case": ("CaseTranslation", ["biography"]),
}


def forwards(apps, schema_editor):
    for model, (translation, fields) in TEXTS.items():
        copy_texts_to_translations(apps, "campaign", model, translation, fields)


def backwards(apps, schema_editor):
    for model, (translation, fields) in TEXTS.items():
        copy_translations_to_texts(apps, "campaign", model, translation, fields)


class Migration(migrations.Migration):
    # Every existing update and case was written in one language: LANGUAGE_CODE, its
    # original_language's default. Its texts become that language's row.

    dependencies = [
        ("campaign", "0003_translations"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
