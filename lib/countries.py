"""Countries as a reader sees them: sorted by name in the reader's language, and picked from
the `?country=` of a list."""

import unicodedata

from django.http import Http404
from django.utils.translation import gettext as _
from django_countries import countries as all_countries
from django_countries.fields import Country


def country_sort_key(country):
    """Sort country names as a reader expects: accents and case ignored ("Österreich" near "O")."""
    name = unicodedata.normalize("NFKD", str(country.name))
    return "".join(char for char in name if not unicodedata.combining(char)).casefold()


def group_by_country(items):
    """[(Country, [items…]), …] sorted by the country's name in the active language."""
    groups = {}
    for item in items:
        groups.setdefault(item.country.code, []).append(item)
    return sorted(
        ((Country(code), members) for code, members in groups.items()),
        key=lambda group: country_sort_key(group[0]),
    )


def country_choices(by_country):
    """[(Country, count), …] by name, for a list's country filter: {code: count} in."""
    return sorted(
        ((Country(code), n) for code, n in by_country.items()),
        key=lambda choice: country_sort_key(choice[0]),
    )


def most_first(rows, count):
    """Rows of a per-country table, the largest `count(row)` first, then by country name."""
    by_name = sorted(rows, key=lambda row: country_sort_key(row["country"]))
    return sorted(by_name, key=count, reverse=True)  # stable: equal counts stay by name


def country_from_query(query):
    """The Country a list is filtered on (`?country=PK`), None if unfiltered; 404 if unknown."""
    code = query.get("country", "").strip().upper()
    if not code:
        return None
    if code not in all_countries:
        raise Http404(_("Unknown country."))
    return Country(code)
