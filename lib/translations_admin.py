"""The back office for translated texts: language tabs (django-parler's TranslatableAdmin), the
original beside each field of a translation, and which translations are missing or outdated.
"""

from django.conf import settings
from django.contrib import admin
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from parler.admin import TranslatableAdmin
from parler.forms import TranslatableModelForm

from .content_languages import language_name, text_direction

STATE_LABELS = {
    "current": _("up to date"),
    "outdated": _("outdated"),
    "missing": _("missing"),
    "original": _("original"),
}


class TranslatedForm(TranslatableModelForm):
    """The form of one language's texts. Editing a translation, each translated field shows
    the original's text below it, read-only, in its own language and direction."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if "original_language" in self.fields:
            field = self.fields["original_language"]
            field.required = False
            if self.is_bound and field.widget.value_omitted_from_data(
                self.data, self.files, self.add_prefix("original_language")
            ):
                self.initial["original_language"] = ""  # left out is not a change
            if instance._state.adding:
                # What is written first, in this tab, is the original.
                self.fields["original_language"].initial = self.language_code
        translated = instance._parler_meta.root_model.get_translated_fields()
        for name in translated:
            if name in self.fields:
                # Typed in the tab's language: Urdu right to left, whatever the interface's.
                self.fields[name].widget.attrs |= {
                    "lang": self.language_code,
                    "dir": text_direction(self.language_code),
                }
        if instance._state.adding or self.language_code == instance.original_language:
            return
        original = instance.original_translation()
        if original is None:
            return
        code = instance.original_language
        for name in translated:
            field = self.fields.get(name)
            if field is None:
                continue
            field.help_text = format_html(
                '{}<div class="original-text" lang="{}" dir="{}">'
                '<strong lang="{}" dir="{}">{}</strong><div class="readonly">{}</div></div>',
                field.help_text,
                code,
                text_direction(code),
                get_language(),
                text_direction(get_language()),
                _("Original (%(language)s):") % {"language": language_name(code)},
                linebreaksbr(getattr(original, name)) or "—",
            )

    def clean(self):
        cleaned = super().clean()
        if "original_language" not in self.fields:
            return cleaned
        adding = self.instance._state.adding
        # Left out, it stays what it was; for a new object, the language of this tab.
        original = cleaned.get("original_language") or (
            self.language_code if adding else self.instance.original_language
        )
        cleaned["original_language"] = self.instance.original_language = original
        if adding and original != self.language_code:
            self.add_error(
                "original_language",
                _(
                    "Write the original first: choose the %(language)s tab, or say it is "
                    "written in %(current)s."
                )  # fmt: skip
                % {
                    "language": language_name(original),
                    "current": language_name(self.language_code),
                },
            )
        elif (
            not adding
            and original != self.language_code
            and not self.instance.has_translation(original)
        ):
            self.add_error(
                "original_language",
                _("There is no text in %(language)s yet: write it there first.")
                % {"language": language_name(original)},
            )
        return cleaned


class NeedsTranslationFilter(admin.SimpleListFilter):
    title = _("needs translating into…")
    parameter_name = "needs_translation"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.needing_translation(self.value())
        return queryset


class TranslatedAdmin(TranslatableAdmin):
    """Language tabs over a model of lib.content_languages, its translations prefetched."""

    form = TranslatedForm

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    @admin.display(description=_("translations"))
    def translations_column(self, obj):
        """e.g. "en original · es ✓ · ur outdated · fr missing": words, not colour alone."""
        rows = [("original", obj.original_language, _("original"))]
        rows += [
            (state, code, "✓" if state == "current" else STATE_LABELS[state])
            for code, state in obj.translation_states()
        ]
        return format_html_join(
            " · ",
            '<span class="translation-{}" title="{}">{} {}</span>',
            (
                (state, f"{language_name(code)}: {STATE_LABELS[state]}", code, mark)
                for state, code, mark in rows
            ),
        )


class TranslatedRelatedFilter(admin.RelatedFieldListFilter):
    """A filter by a translated model (the petition): the names of its choices in one more
    query, rather than one a choice."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        choices = field.related_model._default_manager.complex_filter(
            field.get_limit_choices_to()
        ).prefetch_related("translations")
        if ordering:
            choices = choices.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in choices]
