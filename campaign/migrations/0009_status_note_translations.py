# The public notes of status changes move to a translations table (django-parler): first the
# table and original_language, then 0010 copies the notes, then 0011 drops the column.

import django.db.models.deletion
import lib.content_languages
import parler.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0008_remove_action_texts'),
    ]

    operations = [
        migrations.AddField(
            model_name='casestatuschange',
            name='original_language',
            field=models.CharField(choices=lib.content_languages.language_choices, default='en', help_text='The language the text was written in; translations follow it.', max_length=15, verbose_name='original language'),
        ),
        migrations.CreateModel(
            name='CaseStatusChangeTranslation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language_code', models.CharField(db_index=True, max_length=15, verbose_name='Language')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('note', models.TextField(blank=True, max_length=1000, verbose_name='public note')),
                ('master', parler.fields.TranslationsForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='translations', to='campaign.casestatuschange')),
            ],
            options={
                'verbose_name': 'status change translation',
                'unique_together': {('language_code', 'master')},
            },
            # Plain rows in migrations (see 0003).
            bases=(models.Model,),
        ),
    ]
