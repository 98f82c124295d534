from django.db import migrations, models

# Undone, the columns come back on tables with rows: with a default, so that they can be
# added NOT NULL before 0004's reverse fills them again.
OLD_UPDATE_COLUMNS = {
    "title": models.CharField(default="", max_length=200, verbose_name="title"),
    "lead": models.TextField(default="", max_length=600, verbose_name="lead"),
    "body": models.TextField(default="", help_text="Markdown.", verbose_name="body"),
}


class Migration(migrations.Migration):
    # The texts live in the translations tables now (0004 copied them).

    dependencies = [
        ("campaign", "0004_texts_to_translations"),
    ]

    operations = [
        *(
            migrations.AlterField(model_name="update", name=name, field=field)
            for name, field in OLD_UPDATE_COLUMNS.items()
        ),
        *(migrations.RemoveField(model_name="update", name=name) for name in OLD_UPDATE_COLUMNS),
        migrations.RemoveField(model_name="case", name="biography"),
    ]
