# Solidarity actions' texts move to a translations table, one row a language (django-parler):
# first the table and original_language, then 0007 copies the texts, then 0008 drops the columns.

import django.db.models.deletion
import lib.content_languages
import parler.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0005_remove_translated_columns'),
    ]

    operations = [
        migrations.AddField(
            model_name='action',
            name='original_language',
            field=models.CharField(choices=lib.content_languages.language_choices, default='en', help_text='The language the text was written in; translations follow it.', max_length=15, verbose_name='original language'),
        ),
        migrations.CreateModel(
            name='ActionTranslation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language_code', models.CharField(db_index=True, max_length=15, verbose_name='Language')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('title', models.CharField(max_length=150, verbose_name='what happened, in a few words')),
                ('description', models.TextField(max_length=3000, verbose_name='description')),
                ('statement', models.TextField(blank=True, help_text='The text of a motion, letter or message, quoted as it was passed or sent.', max_length=6000, verbose_name='statement')),
                ('master', parler.fields.TranslationsForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='translations', to='campaign.action')),
            ],
            options={
                'verbose_name': 'solidarity action translation',
                'unique_together': {('language_code', 'master')},
            },
            # Plain rows in migrations: parler's mixin would want a translatable Action in the
            # historical models, which have none of parler's machinery.
            bases=(models.Model,),
        ),
    ]
