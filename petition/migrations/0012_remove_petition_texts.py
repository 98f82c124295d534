from django.db import migrations


class Migration(migrations.Migration):
    # The texts live in petition_petitiontranslation now (0011 copied them).

    dependencies = [
        ("petition", "0011_petition_texts_to_translations"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='petition',
            name='addressee',
        ),
        migrations.RemoveField(
            model_name='petition',
            name='demands',
        ),
        migrations.RemoveField(
            model_name='petition',
            name='lead',
        ),
        migrations.RemoveField(
            model_name='petition',
            name='title',
        ),
    ]
