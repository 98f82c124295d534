from django.db import migrations, models

# Undone, the columns come back on a table with rows: with a default, so that they can be
# added NOT NULL before 0011's reverse fills them again.
OLD_COLUMNS = {
    "title": models.CharField(default="", max_length=200, verbose_name="title"),
    "lead": models.TextField(
        default="", help_text="One or two sentences shown at the top.", verbose_name="lead"
    ),
    "demands": models.TextField(default="", help_text="Markdown.", verbose_name="demands"),
    "addressee": models.CharField(
        default="", help_text='e.g. "the Government of Pakistan"', max_length=200,
        verbose_name="addressee",
    ),
}


class Migration(migrations.Migration):
    # The texts live in petition_petitiontranslation now (0011 copied them).

    dependencies = [
        ("petition", "0011_petition_texts_to_translations"),
    ]

    operations = [
        *(
            migrations.AlterField(model_name="petition", name=name, field=field)
            for name, field in OLD_COLUMNS.items()
        ),
        *(migrations.RemoveField(model_name="petition", name=name) for name in OLD_COLUMNS),
    ]
