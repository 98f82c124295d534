"""Texts moderators write in one language and translate into others (django-parler).

Each translatable model keeps its texts in a translations table, one row a language, so
adding a language to settings.LANGUAGES needs no migration. Its `original_language` is the
language its moderators wrote it in: a reader gets the text in their language, else in the
original, never in some other language a global fallback list would pick.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from parler.managers import TranslatableQuerySet
from parler.models import TranslatableModel, TranslatedFieldsModel


def language_choices():
    # A callable, so that migrations name this function rather than freeze the list: adding a
    # language to settings.LANGUAGES changes no model state.
    return settings.LANGUAGES


def text_direction(code):
    """ "rtl" for a right-to-left language (Urdu), else "ltr"."""
    try:
        return "rtl" if get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


def language_name(code):
    """The language's name in the active language ("Urdu", "urdu", "اردو"…)."""
    return dict(settings.LANGUAGES).get(code, code)


def original_language_field():
    return models.CharField(
        _("original language"),
        max_length=15,
        choices=language_choices,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the text was written in; translations follow it."),
    )


class Translation(TranslatedFieldsModel):
    """One language's texts of an object. `updated_at` tells a translation written before the
    original's last edit (outdated) from one that followed it."""

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    @classmethod
    def get_translated_fields(cls, include_m2m=True):
        # The row's own bookkeeping, not a text: neither proxied on the object (which has an
        # updated_at of its own) nor in the admin's forms.
        return [name for name in super().get_translated_fields(include_m2m) if name != "updated_at"]


class TranslatedQuerySet(TranslatableQuerySet):
    def with_translations(self):
        """Every translation in the same extra query, so a list reads its texts per row
        without a query per row (the few languages make this cheaper than choosing)."""
        return self.prefetch_related("translations")

    def needing_translation(self, language_code):
        """Objects with no translation into `language_code`, or one older than the original's
        last edit. Objects written in that language need none."""
        translations = self.model._parler_meta.root_model.objects
        original = translations.filter(
            master=OuterRef("pk"), language_code=OuterRef("original_language")
        ).values("updated_at")[:1]
        current = translations.filter(
            master=OuterRef("pk"),
            language_code=language_code,
            updated_at__gte=OuterRef("original_updated_at"),
        )
        return (
            self.exclude(original_language=language_code)
            .annotate(original_updated_at=Subquery(original))
            .filter(~Exists(current))
        )


class TranslatedContent(TranslatableModel):
    """A model whose texts are translated; the concrete model adds `original_language`
    (original_language_field()) and its `translations = TranslatedFields(...)` model."""

    class Meta:
        abstract = True

    def __init__(self, *args, **kwargs):
        # The texts a new object is made with are its original's, whatever language is active
        # (loading from the database passes no keywords).
        texts = kwargs and set(kwargs) & set(self._parler_meta.get_all_fields())
        if texts and "_current_language" not in kwargs:
            kwargs["_current_language"] = (
                kwargs.get("original_language")
                or self._meta.get_field("original_language").get_default()
            )
        super().__init__(*args, **kwargs)

    def _get_translated_model(
        self, language_code=None, use_fallback=False, auto_create=False, meta=None
    ):
        # Parler falls back along one list for the whole site; a text falls back to the
        # language it was written in.
        if not use_fallback or auto_create:
            return super()._get_translated_model(language_code, use_fallback, auto_create, meta)
        try:
            return super()._get_translated_model(language_code, meta=meta)
        except ObjectDoesNotExist:
            pass
        try:
            return super()._get_translated_model(self.original_language, meta=meta)
        except ObjectDoesNotExist:
            # Nothing written yet (a case without a biography): empty texts, not an error.
            # Unsaved and uncached, so saving the object stores nothing for it.
            meta = meta or self._parler_meta.root
            return meta.model(language_code=self.original_language)

    def text_or_original(self, field):
        """`field` in the active language, else the original's: an object being translated
        (an empty translation in the admin's tab) is still named by its title."""
        value = self.safe_translation_getter(field, any_language=True)
        if not value:
            original = self.original_translation()
            value = getattr(original, field, "") if original else ""
        return value

    def shown_language(self):
        """The language of the text a reader in the active language gets."""
        try:
            return self._get_translated_model(use_fallback=True).language_code
        except ObjectDoesNotExist:
            return self.original_language

    def original_translation(self):
        try:
            return self._get_translated_model(self.original_language)
        except ObjectDoesNotExist:
            return None

    def translation_states(self, languages=None):
        """[(code, "current" | "outdated" | "missing")] for every language but the original's,
        read from the loaded (prefetched) translations."""
        by_code = {t.language_code: t for t in self.translations.all()}
        original = by_code.get(self.original_language)
        states = []
        for code, _name in languages or settings.LANGUAGES:
            if code == self.original_language:
                continue
            translation = by_code.get(code)
            if translation is None:
                states.append((code, "missing"))
            elif original and translation.updated_at < original.updated_at:
                states.append((code, "outdated"))
            else:
                states.append((code, "current"))
        return states


# Data migrations (historical models: no parler machinery, plain rows).


def copy_texts_to_translations(apps, app_label, model_name, translation_name, fields):
    """Each object's texts in its columns become its translation row in original_language."""
    model = apps.get_model(app_label, model_name)
    translation = apps.get_model(app_label, translation_name)
    # Migrated back and forth: the columns' text replaces the row it was copied from.
    translation.objects.filter(language_code=models.F("master__original_language")).delete()
    rows = [
        translation(
            master_id=obj["pk"],
            language_code=obj["original_language"],
            **{name: obj[name] for name in fields},
        )
        for obj in model.objects.values("pk", "original_language", *fields).iterator()
    ]
    translation.objects.bulk_create(rows, batch_size=500)


def copy_translations_to_texts(apps, app_label, model_name, translation_name, fields):
    """Back to columns: the original language's row, or any row where it is missing."""
    model = apps.get_model(app_label, model_name)
    translation = apps.get_model(app_label, translation_name)
    for obj in model.objects.all().iterator():
        rows = translation.objects.filter(master_id=obj.pk)
        row = rows.filter(language_code=obj.original_language).first() or rows.first()
        if row is not None:
            model.objects.filter(pk=obj.pk).update(**{name: getattr(row, name) for name in fields})
