"""What Django, its contrib apps and our dependencies leave untranslated, and where we add it.

A page in Urdu or Nepali mixes our catalogue with Django's validation messages, the admin's
own strings and django-countries' country names; where those catalogues lack an entry, the
reader would get English in the middle of their language. `manage.py complete_catalogs` adds
each such entry, untranslated, to `locale_supplements/<language>/`; translators fill them in,
and tests/test_catalogs.py fails while any is missing or empty. A translators' tool: polib is
a dev dependency, so a production install without it never imports this module.
"""

import sys
from pathlib import Path

import django
import polib
from django.apps import apps
from django.conf import settings
from django.utils.translation import to_locale

SUPPLEMENTS = Path(settings.BASE_DIR) / "locale_supplements"
OURS = Path(settings.BASE_DIR) / "locale"


def source_locale_dirs():
    """The locale folders of Django and of every installed app that is not ours."""
    dirs = [Path(django.__file__).parent / "conf" / "locale"]
    for app in apps.get_app_configs():
        path = Path(app.path) / "locale"
        ours = Path(app.path).is_relative_to(settings.BASE_DIR) and not Path(
            app.path
        ).is_relative_to(sys.prefix)
        if path.is_dir() and not ours:
            dirs.append(path)
    return dirs


def _catalog(locale_dir, locale):
    path = Path(locale_dir) / locale / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path)) if path.exists() else None


def _source_catalog(locale_dir):
    """Every msgid of a locale folder: its English catalogue, else its fullest one."""
    english = _catalog(locale_dir, "en")
    if english is not None:
        return english
    catalogs = [_catalog(locale_dir, path.name) for path in Path(locale_dir).iterdir()]
    return max((c for c in catalogs if c is not None), key=len, default=())


def _key(entry):
    return (entry.msgctxt, entry.msgid)


def supplement_path(language):
    return SUPPLEMENTS / to_locale(language) / "LC_MESSAGES" / "django.po"


def missing_entries(language):
    """Entries of the source catalogues that no catalogue of `language` translates:
    neither Django's nor an app's own, nor ours, nor our supplement."""
    locale = to_locale(language)
    english = {}
    translated = set()
    for locale_dir in source_locale_dirs():
        for entry in _source_catalog(locale_dir):
            if not entry.obsolete:
                english.setdefault(_key(entry), entry)
        for entry in _catalog(locale_dir, locale) or ():
            if entry.translated():
                translated.add(_key(entry))
    for locale_dir in (OURS, SUPPLEMENTS):
        for entry in _catalog(locale_dir, locale) or ():
            if entry.translated():
                translated.add(_key(entry))
    return [entry for key, entry in english.items() if key not in translated and entry.msgid]


def add_missing_entries(language, plural_forms):
    """Add what `missing_entries` finds to the supplement, untranslated; return how many."""
    path = supplement_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        catalog = polib.pofile(str(path))
    else:
        catalog = polib.POFile()
        catalog.metadata = {
            "Project-Id-Version": "Chorus",
            "Language": to_locale(language),
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": plural_forms,
        }
    present = {_key(entry) for entry in catalog}
    added = 0
    for source in missing_entries(language):
        if _key(source) in present:
            continue
        catalog.append(
            polib.POEntry(
                msgctxt=source.msgctxt,
                msgid=source.msgid,
                msgid_plural=source.msgid_plural,
                msgstr="",
                msgstr_plural=dict.fromkeys(range(_plural_count(plural_forms)), "")
                if source.msgid_plural
                else {},
                flags=[flag for flag in source.flags if flag.endswith("-format")],
            )
        )
        added += 1
    catalog.save(str(path))
    return added


def _plural_count(plural_forms):
    return int(plural_forms.split("nplurals=")[1].split(";")[0])
