"""Template helpers for the public petition pages: `{% load petition_tags %}`."""

from urllib.parse import urlsplit

from django import template
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from lib.markdown import render_markdown

register = template.Library()


@register.filter(is_safe=True)
def markdown(text):
    """Moderator-written Markdown as sanitised HTML (lib.markdown cleans it with nh3)."""
    return mark_safe(render_markdown(str(text or "")))  # noqa: S308 - sanitised by nh3


@register.filter
def external_url(url):
    """The URL if it is a plain http(s) web address, else "" (never javascript: or data:)."""
    url = str(url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return ""


@register.filter
def flag_url(country):
    """URL of the flag image django-countries ships in its static folder, or "" if unknown."""
    code = str(getattr(country, "code", country) or "").lower()
    if len(code) != 2 or not code.isalpha():
        return ""
    try:
        return static(f"flags/{code}.gif")
    except ValueError:  # not in the collected static manifest
        return ""


@register.filter
def with_suffix(label):
    """A label followed by a colon, as Django's label_tag does: none after ending punctuation."""
    label = str(label or "")
    if label and label[-1] not in gettext(":?.!"):
        return f"{label}:"
    return label


@register.filter
def fields_with_errors(form):
    """The form's fields that have errors, in form order: the error summary's links."""
    return [field for field in form if field.errors]
