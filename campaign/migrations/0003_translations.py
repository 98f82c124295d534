# News updates' and cases' texts move to translations tables, one row a language (django-parler):
# first the tables and original_language, then 0004 copies the texts, then 0005 drops the columns.

import django.db.models.deletion
import lib.content_languages
import parler.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0002_moderators_permissions'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='original_language',
            field=models.CharField(choices=lib.content_languages.language_choices, default='en', help_text='The language the text was written in; translations follow it.', max_length=15, verbose_name='original language'),
        ),
        migrations.AddField(
            model_name='update',
            name='original_language',
            field=models.CharField(choices=lib.content_languages.language_choices, default='en', help_text='The language the text was written in; translations follow it.', max_length=15, verbose_name='original language'),
        ),
        migrations.CreateModel(
            name='CaseTranslation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language_code', models.CharField(db_index=True, max_length=15, verbose_name='Language')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('biography', models.TextField(blank=True, help_text='Markdown.', verbose_name='short biography')),
                ('master', parler.fields.TranslationsForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='translations', to='campaign.case')),
            ],
            options={
                'verbose_name': 'person translation',
                'unique_together': {('language_code', 'master')},
            },
            # Plain rows in migrations: parler's mixin would want a translatable master model
            # in the historical models, which have none of parler's machinery.
            bases=(models.Model,),
        ),
        migrations.CreateModel(
            name='UpdateTranslation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language_code', models.CharField(db_index=True, max_length=15, verbose_name='Language')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('lead', models.TextField(max_length=600, verbose_name='lead')),
                ('body', models.TextField(help_text='Markdown.', verbose_name='body')),
                ('master', parler.fields.TranslationsForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='translations', to='campaign.update')),
            ],
            options={
                'verbose_name': 'news update translation',
                'unique_together': {('language_code', 'master')},
            },
            # Plain rows in migrations: parler's mixin would want a translatable master model
            # in the historical models, which have none of parler's machinery.
            bases=(models.Model,),
        ),
    ]
