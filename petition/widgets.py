"""Form widgets."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A <select> for long lists (countries), written out in Python.

    Django renders each <option> through a template of its own: for ~250 countries that was
    two thirds of the petition page's rendering time. The HTML is the same, whitespace aside.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group, options, _index in widget["optgroups"]:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], _attributes(option["attrs"]), option["label"])
                    for option in options
                ),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group, html) if group else html
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            _attributes(widget["attrs"]),
            mark_safe("".join(parts)),  # noqa: S308 - built by format_html above
        )


def _attributes(attrs):
    """As Django's widgets/attrs.html writes them: in order, `True` as a bare name, `False` left out
    (django.forms.utils.flatatt puts the bare names last)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )
