"""Translations: pages and emails speak the visitor's language, and the catalogs are sound.

The catalog checks read the committed .po/.mo files themselves (not the source code), so they keep
passing while new strings wait for their translation in a later pass of makemessages.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from petition.models import Signature

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]")

# What a visitor must see in each language (written here, not read from the catalogs).
SIGN_BUTTON = {
    "es": "Firmar la petición",
    "fr": "Signer la pétition",
    "de": "Petition unterschreiben",
    "it": "Firma la petizione",
    "pt-br": "Assinar a petição",
    "ur": "پٹیشن پر دستخط کریں",
}
DEMANDS_HEADING = {
    "es": "Nuestras reivindicaciones",
    "fr": "Nos revendications",
    "de": "Unsere Forderungen",
    "it": "Le nostre richieste",
    "pt-br": "As nossas reivindicações",
    "ur": "ہمارے مطالبات",
}
CONFIRM_SUBJECT = {
    "es": "Confirma tu firma: {title}",
    # lib.emails folds all whitespace in a subject, the no-break space before ":" included.
    "fr": "Veuillez confirmer votre signature : {title}",
    "de": "Bitte bestätige deine Unterschrift: {title}",
    "it": "Conferma la tua firma: {title}",
    "pt-br": "Confirme a sua assinatura: {title}",
    "ur": "براہِ کرم اپنے دستخط کی تصدیق کریں: {title}",
}
CONFIRM_GREETING = {
    "es": "Hola, Test Signer:",
    "fr": "Bonjour Test Signer,",
    "de": "Hallo Test Signer,",
    "it": "Ciao Test Signer,",
    "pt-br": "Olá, Test Signer,",
    "ur": "آداب Test Signer،",
}
SIGNING = {
    "full_name": "Test Signer",
    "email": "test.signer@example.org",
    "country": "IT",
    "consent_processing": "on",
}


def in_language(language, url_name, *args):
    """The page's address in `language`: every public page lives under its language."""
    with translation.override(language):
        return reverse(url_name, args=args)


def catalog_dir(language):
    return LOCALE_DIR / translation.to_locale(language) / "LC_MESSAGES"


def test_every_configured_language_has_a_catalog():
    assert set(SIGN_BUTTON) == set(LANGUAGES)
    for code in LANGUAGES:
        assert (catalog_dir(code) / "django.po").is_file(), code
        assert (catalog_dir(code) / "django.mo").is_file(), code


# Pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_petition_page_speaks_the_visitors_language(client, petition, language):
    response = client.get(in_language(language, "petition:detail", petition.slug))
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if language == "ur" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert SIGN_BUTTON[language] in html
    assert DEMANDS_HEADING[language] in html
    assert "Sign the petition" not in html
    assert "Our demands" not in html


def test_urdu_page_is_right_to_left_with_the_rtl_stylesheet(client, petition):
    html = client.get(in_language("ur", "petition:detail", petition.slug)).content.decode()
    assert 'dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html


def test_english_stays_the_default(client, petition):
    html = client.get(in_language("en", "petition:detail", petition.slug)).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Sign the petition" in html


def test_anonymous_signers_are_someone_from_their_country(client, petition, make_signature):
    make_signature(petition, show_name=False, country="IT")
    html = client.get(in_language("es", "petition:detail", petition.slug)).content.decode()
    assert "Alguien de Italia" in html


# Emails


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmation_email_is_in_the_signers_language(
    client, petition, language, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(in_language(language, "petition:sign", petition.slug), SIGNING)
    assert response.status_code == 302
    assert Signature.objects.get().language == language
    (message,) = mail.outbox
    assert message.subject == CONFIRM_SUBJECT[language].format(title=petition.title)
    assert CONFIRM_GREETING[language] in message.body
    assert "Hello" not in message.body
    html, _mimetype = message.alternatives[0]
    assert CONFIRM_GREETING[language] in html


def test_a_resent_confirmation_keeps_the_signers_language(
    client, petition, django_capture_on_commit_callbacks
):
    """Signing again from a browser in another language: the email still speaks the signer's."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(in_language("es", "petition:sign", petition.slug), SIGNING)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(in_language("de", "petition:sign", petition.slug), SIGNING)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == CONFIRM_SUBJECT["es"].format(title=petition.title)


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("es", 1, "El enlace es válido durante 1 día."),
        ("es", 0, "El enlace es válido durante 0 días."),
        ("fr", 0, "Le lien est valable 0 jour."),
        ("fr", 14, "Le lien est valable 14 jours."),
        ("de", 14, "Der Link ist 14 Tage lang gültig."),
        ("ur", 14, "یہ لنک 14 دن تک کارآمد ہے۔"),
    ],
)
def test_plural_forms_follow_each_languages_rule(language, days, expected):
    with translation.override(language):
        text = translation.ngettext(
            "The link works for %(days)s day.", "The link works for %(days)s days.", days
        )
    assert text % {"days": days} == expected


# Catalogs


def parse_po(path):
    """A tiny .po reader: [{"msgctxt", "msgid", "msgid_plural", "msgstr": {n: str}, "flags"}]."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
                entry, field = None, None
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
        else:
            keyword, _space, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if plural:
                field = ("msgstr", int(plural.group(1)))
                entry["msgstr"][field[1]] = value
            elif keyword == "msgstr":
                field = ("msgstr", 0)
                entry["msgstr"][0] = value
            else:
                assert keyword in {"msgctxt", "msgid", "msgid_plural"}, (path, line)
                field = keyword
                entry[field] = value
    finish()
    return entries


def catalog(language):
    entries = parse_po(catalog_dir(language) / "django.po")
    header = next(entry for entry in entries if entry["msgid"] == "" and not entry["msgctxt"])
    metadata = dict(
        line.split(": ", 1) for line in header["msgstr"][0].splitlines() if ": " in line
    )
    return header, metadata, [entry for entry in entries if entry is not header]


def key(entry):
    return f"{entry['msgctxt']}\x04{entry['msgid']}" if entry["msgctxt"] else entry["msgid"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_header_is_complete(language):
    header, metadata, _entries = catalog(language)
    assert "fuzzy" not in header["flags"]
    assert metadata["Language"] == translation.to_locale(language)
    assert metadata["Content-Type"] == "text/plain; charset=UTF-8"
    nplurals, expression = re.fullmatch(
        r"nplurals=(\d+); plural=(.+);", metadata["Plural-Forms"]
    ).groups()
    rule = gettext.c2py(expression)
    # Every form is used (es and fr, like Django's own catalogs, have one for millions).
    assert {rule(n) for n in [*range(200), 10**6, 3 * 10**6]} == set(range(int(nplurals)))
    assert rule(1) == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_keeps_its_placeholders(language):
    _header, metadata, entries = catalog(language)
    nplurals = int(re.search(r"nplurals=(\d+)", metadata["Plural-Forms"]).group(1))
    assert len(entries) > 100
    problems = []
    for entry in entries:
        label = repr(key(entry))
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {label}")
        expected_forms = list(range(nplurals)) if entry["msgid_plural"] else [0]
        if sorted(entry["msgstr"]) != expected_forms:
            problems.append(f"wrong number of plural forms: {label}")
        wanted = set(PLACEHOLDER.findall(entry["msgid"] + (entry["msgid_plural"] or "")))
        for text in entry["msgstr"].values():
            if not text.strip():
                problems.append(f"untranslated: {label}")
                continue
            if set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {label} -> {text!r}")
            if "python-format" in entry["flags"] and "%" in PLACEHOLDER.sub("", text).replace(
                "%%", ""
            ):
                problems.append(f"stray %: {label} -> {text!r}")
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_po_file(language):
    """The committed .mo (what `make run` uses without gettext) has every .po translation."""
    _header, _metadata, entries = catalog(language)
    with (catalog_dir(language) / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    stale = []
    for entry in entries:
        if entry["msgid_plural"]:
            found = {n: compiled.get((key(entry), n)) for n in entry["msgstr"]}
        else:
            found = {0: compiled.get(key(entry))}
        if found != entry["msgstr"]:
            stale.append(key(entry))
    assert stale == [], "run: manage.py compilemessages --ignore=.venv"
