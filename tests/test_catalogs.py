"""The shipped catalogues are complete and sound, ours and the supplements to Django's.

They read the committed .po/.mo files themselves; `test_makemessages_would_add_nothing` is the
one that compares them with the source code.
"""

import gettext
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django_countries import countries

from config.catalogs import missing_entries

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
FOLDERS = [Path(path) for path in settings.LOCALE_PATHS]
CATALOGS = [(folder, language) for folder in FOLDERS for language in LANGUAGES]
# %(name)s, %s, %d, {name}, {}: what the code fills in, so every translation must keep them.
# What the Makefile's `messages` target tells makemessages to leave out, and the catalogues.
SKIPPED_BY_MAKE_MESSAGES = {
    "tests",
    "node_modules",
    "var",
    "benchmarks",
    "locale",
    "locale_supplements",
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdif]|\{\w*\}")


def po_path(folder, language):
    return folder / translation.to_locale(language) / "LC_MESSAGES" / "django.po"


def catalog_id(value):
    return value.name if isinstance(value, Path) else value


def test_every_configured_language_has_every_catalog():
    for folder, language in CATALOGS:
        assert po_path(folder, language).is_file(), (folder.name, language)
        assert po_path(folder, language).with_suffix(".mo").is_file(), (folder.name, language)


@pytest.mark.parametrize(("folder", "language"), CATALOGS, ids=catalog_id)
def test_catalog_header_is_complete(folder, language):
    catalog = polib.pofile(str(po_path(folder, language)))
    assert not catalog.metadata_is_fuzzy
    assert catalog.metadata["Language"] == translation.to_locale(language)
    assert catalog.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    for field in ("Last-Translator", "Language-Team"):
        assert "FULL NAME" not in catalog.metadata.get(field, ""), field
    nplurals, expression = re.fullmatch(
        r"nplurals=(\d+); ?plural=(.+?);?", catalog.metadata["Plural-Forms"].strip()
    ).groups()
    rule = gettext.c2py(expression)
    # Every form is used (es and fr, like Django's own catalogues, have one for millions),
    # but Czech's form for fractions (Django's rule: "n % 1 != 0"), which no integer reaches.
    used = {rule(n) for n in [*range(200), 10**6, 3 * 10**6]}
    assert used <= set(range(int(nplurals)))
    assert len(used) == int(nplurals) - ("n % 1 != 0" in expression)


@pytest.mark.parametrize(("folder", "language"), CATALOGS, ids=catalog_id)
def test_every_entry_is_translated_and_keeps_its_placeholders(folder, language):
    catalog = polib.pofile(str(po_path(folder, language)))
    nplurals = int(re.search(r"nplurals=(\d+)", catalog.metadata["Plural-Forms"]).group(1))
    problems = []
    for entry in catalog:
        if entry.obsolete:
            continue
        label = repr(entry.msgid)
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {label}")
        if entry.msgid_plural:
            if sorted(entry.msgstr_plural) != list(range(nplurals)):
                problems.append(f"wrong number of plural forms: {label}")
            texts = list(entry.msgstr_plural.values())
        else:
            texts = [entry.msgstr]
        wanted = sorted(set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural)))
        for text in texts:
            if not text.strip():
                problems.append(f"untranslated: {label}")
            elif sorted(set(PLACEHOLDER.findall(text))) != wanted and not (
                # A singular may name its one thing instead of printing the number.
                entry.msgid_plural and set(PLACEHOLDER.findall(text)) < set(wanted)
            ):
                problems.append(f"placeholders differ: {label} -> {text!r}")
    assert problems == []


@pytest.mark.parametrize(("folder", "language"), CATALOGS, ids=catalog_id)
def test_compiled_catalog_matches_the_po_file(folder, language):
    """The committed .mo (what `make run` uses, without gettext installed) is up to date."""
    path = po_path(folder, language)
    catalog = polib.pofile(str(path))
    with path.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    stale = []
    for entry in catalog.translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            found = {n: compiled.get((key, n)) for n in entry.msgstr_plural}
            wanted = dict(entry.msgstr_plural)
        else:
            found, wanted = compiled.get(key), entry.msgstr
        if found != wanted:
            stale.append(entry.msgid)
    assert stale == [], "run: make messages"


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_django_or_our_dependencies_show_is_left_in_english(language):
    """Validation messages, the admin's own strings, country names: manage.py
    complete_catalogs adds what is missing to locale_supplements/, translators fill it in."""
    assert [entry.msgid for entry in missing_entries(language)] == []


@pytest.mark.parametrize(
    ("language", "pakistan", "greece"),
    [("ur", "پاکستان", "یونان"), ("ne", "पाकिस्तान", "ग्रीस"), ("el", "Πακιστάν", "Ελλάδα")],
)
def test_country_names_are_in_the_readers_language(client, petition, language, pakistan, greece):
    with translation.override(language):
        assert str(countries.name("PK")) == pakistan
        assert str(countries.name("GR")) == greece
    html = client.get(f"/{language}/p/{petition.slug}/").content.decode()
    assert f'<option value="PK">{pakistan}</option>' in html
    assert ">Pakistan<" not in html


def test_makemessages_would_add_nothing(tmp_path, settings, monkeypatch):
    """Every string of the code is in the catalogues, and nothing they hold is obsolete.

    makemessages writes into the `locale` folder of the tree it reads: it reads a copy made of
    links to the project's own folders, so the shipped catalogues stay as they are."""
    root = Path(settings.BASE_DIR)
    for path in root.iterdir():
        if path.name not in SKIPPED_BY_MAKE_MESSAGES and not path.name.startswith("."):
            (tmp_path / path.name).symlink_to(path)
    shutil.copytree(FOLDERS[0] / "de", tmp_path / "locale" / "de")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["de"], symlinks=True, verbosity=0)
    extracted = polib.pofile(str(po_path(tmp_path / "locale", "de")))
    wanted = {(e.msgctxt, e.msgid) for e in extracted if not e.obsolete}
    assert len(wanted) > 500
    for language in LANGUAGES:
        shipped = polib.pofile(str(po_path(FOLDERS[0], language)))
        have = {(e.msgctxt, e.msgid) for e in shipped if not e.obsolete}
        assert sorted(wanted - have, key=str) == [], f"{language}: run make messages"
        assert sorted(have - wanted, key=str) == [], f"{language}: obsolete entries"
