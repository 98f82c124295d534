# The petition's texts move to a translations table, one row a language (django-parler):
# first the table and original_language, then 0011 copies the texts, then 0012 drops the columns.

import django.db.models.deletion
import lib.content_languages
import parler.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('petition', '0009_protection_row'),
    ]

    operations = [
        migrations.AddField(
            model_name='petition',
            name='original_language',
            field=models.CharField(choices=lib.content_languages.language_choices, default='en', help_text='The language the text was written in; translations follow it.', max_length=15, verbose_name='original language'),
        ),
        migrations.CreateModel(
            name='PetitionTranslation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language_code', models.CharField(db_index=True, max_length=15, verbose_name='Language')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('lead', models.TextField(help_text='One or two sentences shown at the top.', verbose_name='lead')),
                ('demands', models.TextField(help_text='Markdown.', verbose_name='demands')),
                ('addressee', models.CharField(help_text='e.g. "the Government of Pakistan"', max_length=200, verbose_name='addressee')),
                ('master', parler.fields.TranslationsForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='translations', to='petition.petition')),
            ],
            options={
                'verbose_name': 'petition translation',
                'unique_together': {('language_code', 'master')},
            },
            # Plain rows in migrations: parler's mixin would want a translatable Petition
            # in the historical models, which have none of parler's machinery.
            bases=(models.Model,),
        ),
    ]
