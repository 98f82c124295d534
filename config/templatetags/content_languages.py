"""Translated texts on public pages: the language and direction of the element holding one, and
the note saying a text is shown in its original language because no translation exists yet.

    {% load content_languages %}
    {% untranslated_note petition %}
    <h1{% text_lang petition %}>{{ petition.title }}</h1>
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from config.templatetags.languages import hreflang
from lib.content_languages import language_name, text_direction

register = template.Library()


@register.simple_tag
def text_lang(obj):
    """` lang="en" dir="ltr"`: the language of the text `obj` shows in the active language (a
    translation, else the original), so Urdu inside an English page, or English inside an Urdu
    one, is read and laid out as what it is."""
    code = obj.shown_language()
    return format_html(' lang="{}" dir="{}"', hreflang(code), text_direction(code))


@register.inclusion_tag("content_languages/_untranslated_note.html")
def untranslated_note(obj):
    """Says so when `obj`'s text is not in the reader's language but in its original."""
    reader = get_language()
    shown = obj.shown_language()
    return {
        "shown": shown != reader,
        "reader_language": language_name(reader),
        "original_language": language_name(shown),
    }


@register.simple_tag
def lang_span(obj, text):
    """`text` of `obj` in a <span> of its language, for a text inside an interface sentence
    ("To: {{ addressee }}") whose translation must not change."""
    code = obj.shown_language()
    return format_html(
        '<span lang="{}" dir="{}">{}</span>', hreflang(code), text_direction(code), text
    )
