from django.db import migrations, models

# Undone, the columns come back on a table with rows: with a default, so that they can be
# added NOT NULL before 0007's reverse fills them again.
OLD_COLUMNS = {
    "title": models.CharField(
        default="", max_length=150, verbose_name="what happened, in a few words"
    ),
    "description": models.TextField(default="", max_length=3000, verbose_name="description"),
}


class Migration(migrations.Migration):
    # The texts live in campaign_actiontranslation now (0007 copied them).

    dependencies = [
        ("campaign", "0007_action_texts_to_translations"),
    ]

    operations = [
        *(
            migrations.AlterField(model_name="action", name=name, field=field)
            for name, field in OLD_COLUMNS.items()
        ),
        *(migrations.RemoveField(model_name="action", name=name) for name in OLD_COLUMNS),
        migrations.RemoveField(model_name="action", name="statement"),
    ]
