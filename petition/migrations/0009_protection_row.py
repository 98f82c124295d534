"""The one row of signing protections exists from the start, so that reading it never writes
(Protection.current) and its admin page is there to open."""

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("petition", "Protection").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("petition", "0008_counted_only_if_confirmed"),
    ]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
