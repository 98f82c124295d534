from django.db import migrations


class Migration(migrations.Migration):
    # The notes live in campaign_casestatuschangetranslation now (0010 copied them).

    dependencies = [
        ("campaign", "0010_status_notes_to_translations"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='casestatuschange',
            name='note',
        ),
    ]
