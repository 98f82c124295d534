"""LongSelect writes the same <select> as Django's Select, without a template per option."""

import re

import pytest
from django import forms

from petition.widgets import LongSelect


def squeezed(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


CHOICES = [
    ("", "Choose your country"),
    ("FR", "France"),
    ("CI", "Côte d’Ivoire"),
    ("XQ", 'Tricky <b>"name"</b> & co'),
]


def both(name, value, choices=CHOICES, attrs=None):
    django = forms.Select(attrs=attrs, choices=choices).render(name, value, {"id": "id_" + name})
    ours = LongSelect(attrs=attrs, choices=choices).render(name, value, {"id": "id_" + name})
    return squeezed(django), squeezed(ours)


def test_same_html_as_django_with_nothing_chosen():
    django, ours = both("country", None, attrs={"autocomplete": "country"})
    assert ours == django
    assert ours.startswith('<select name="country" autocomplete="country" id="id_country">')


def test_same_html_with_a_choice_selected_and_labels_escaped():
    django, ours = both("country", "XQ", attrs={"required": True})
    assert ours == django
    assert '<option value="XQ" selected>Tricky &lt;b&gt;&quot;name&quot;&lt;/b&gt; &amp; co' in ours
    assert ours.count("selected") == 1


def test_same_html_with_groups():
    groups = [
        ("", "—"),
        ("Europe", [("FR", "France"), ("IT", "Italy")]),
        ("Asia", [("JP", "Japan")]),
    ]
    django, ours = both("country", "IT", choices=groups)
    assert ours == django
    assert '<optgroup label="Europe">' in ours


@pytest.mark.django_db
def test_the_signing_form_renders_its_countries_with_it(client, petition):
    page = client.get(petition.get_absolute_url()).content.decode()
    select = re.search(r'<select name="country".*?</select>', page, re.S).group()
    assert select.count("<option") > 240
    assert '<option value="" selected>' in select or '<option value="">' in select
