"""Translations: pages and emails speak the visitor's language (the catalogues' own soundness
is tests/test_catalogs.py)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from petition.models import Signature

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])

# What a visitor must see in each language (written here, not read from the catalogs).
SIGN_BUTTON = {
    "es": "Firmar la petición",
    "fr": "Signer la pétition",
    "de": "Petition unterschreiben",
    "it": "Firma la petizione",
    "pt-br": "Assinar a petição",
    "el": "Υπογράψτε το ψήφισμα",
    "da": "Skriv under på petitionen",
    "cs": "Podepsat petici",
    "ca": "Signa la petició",
    "ne": "याचिकामा हस्ताक्षर गर्नुहोस्",
    "ur": "پٹیشن پر دستخط کریں",
}
DEMANDS_HEADING = {
    "es": "Nuestras reivindicaciones",
    "fr": "Nos revendications",
    "de": "Unsere Forderungen",
    "it": "Le nostre richieste",
    "pt-br": "Nossas reivindicações",
    "el": "Τα αιτήματά μας",
    "da": "Vores krav",
    "cs": "Naše požadavky",
    "ca": "Les nostres reivindicacions",
    "ne": "हाम्रा मागहरू",
    "ur": "ہمارے مطالبات",
}
CONFIRM_SUBJECT = {
    "es": "Confirma tu firma: {title}",
    # lib.emails folds all whitespace in a subject, the no-break space before ":" included.
    "fr": "Veuillez confirmer votre signature : {title}",
    "de": "Bitte bestätige deine Unterschrift: {title}",
    "it": "Conferma la tua firma: {title}",
    "pt-br": "Confirme sua assinatura: {title}",
    "el": "Επιβεβαιώστε την υπογραφή σας: {title}",
    "da": "Bekræft venligst din underskrift: {title}",
    "cs": "Potvrďte prosím svůj podpis: {title}",
    "ca": "Confirma la teva signatura: {title}",
    "ne": "कृपया आफ्नो हस्ताक्षर पुष्टि गर्नुहोस्: {title}",
    "ur": "براہِ کرم اپنے دستخط کی تصدیق کریں: {title}",
}
CONFIRM_GREETING = {
    "es": "Hola, Test Signer:",
    "fr": "Bonjour Test Signer,",
    "de": "Hallo Test Signer,",
    "it": "Ciao Test Signer,",
    "pt-br": "Olá, Test Signer,",
    "el": "Γεια σας Test Signer,",
    "da": "Hej Test Signer,",
    "cs": "Dobrý den, Test Signer,",
    "ca": "Hola, Test Signer:",
    "ne": "नमस्ते Test Signer,",
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
        ("cs", 14, "Odkaz platí 14 dní."),
        ("ca", 14, "L’enllaç és vàlid durant 14 dies."),
        ("da", 14, "Linket virker i 14 dage."),
    ],
)
def test_plural_forms_follow_each_languages_rule(language, days, expected):
    with translation.override(language):
        text = translation.ngettext(
            "The link works for %(days)s day.", "The link works for %(days)s days.", days
        )
    assert text % {"days": days} == expected
