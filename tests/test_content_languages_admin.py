"""The back office of translated texts: language tabs, the original beside each field of a
translation, and which translations are missing or older than the original's last edit."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Case, Update
from petition.models import Petition, PetitionTranslation

pytestmark = pytest.mark.django_db

PETITIONS = reverse("admin:petition_petition_changelist")
SPANISH = {
    "title": "Liberad a los organizadores",
    "lead": "Siete organizadores fueron detenidos.",
    "demands": "* Liberadlos",
    "addressee": "el Gobierno",
}


def change_url(obj, language):
    info = obj._meta.app_label, obj._meta.model_name
    return reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk]) + f"?language={language}"


def row_of(html, petition):
    """The changelist row of `petition`, as text."""
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html, re.S)
    row = next(row for row in rows if f"/{petition.pk}/change/" in row)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())


def age(petition, language, days):
    """Make the `language` row of `petition` look written `days` ago."""
    PetitionTranslation.objects.filter(master=petition, language_code=language).update(
        updated_at=timezone.now() - timedelta(days=days)
    )


def test_the_list_says_which_translations_are_missing_or_outdated(moderator_client, make_petition):
    petition = make_petition()
    petition.create_translation("es", **SPANISH)
    petition.create_translation("ur", **(SPANISH | {"title": "منتظمین کو رہا کرو"}))
    age(petition, "ur", 3)  # written before the original's last edit
    age(petition, "en", 1)
    age(petition, "es", 0)
    row = row_of(moderator_client.get(PETITIONS).content.decode(), petition)
    assert "en original" in row
    assert "es ✓" in row
    assert "ur outdated" in row
    assert "fr missing" in row and "pt-br missing" in row


def test_the_filter_lists_what_needs_translating_into_a_language(moderator_client, make_petition):
    done = make_petition(title="Done in Spanish")
    done.create_translation("es", **SPANISH)
    outdated = make_petition(title="Outdated in Spanish")
    outdated.create_translation("es", **SPANISH)
    age(outdated, "es", 2)
    age(outdated, "en", 1)
    missing = make_petition(title="Never translated")
    written_in_spanish = make_petition(original_language="es", title="Escrita en español")
    response = moderator_client.get(PETITIONS, {"needs_translation": "es"})
    html = response.content.decode()
    assert "needs translating into" in html
    shown = {p.pk for p in response.context["cl"].result_list}
    assert shown == {outdated.pk, missing.pk}
    assert done.pk not in shown and written_in_spanish.pk not in shown


def test_a_translation_is_written_beside_the_original(admin_client, make_petition):
    petition = make_petition(title="Free the organisers", lead="They were taken.")
    url = change_url(petition, "es")
    form_page = admin_client.get(url).content.decode()
    # The original, read-only, next to each field of the Spanish form.
    assert 'class="original-text" lang="en" dir="ltr"' in form_page
    assert "Original (English):" in form_page
    assert "They were taken." in form_page
    data = {
        **SPANISH,
        "slug": petition.slug,
        "original_language": "en",
        "goal": 1000,
        "opens_at_0": petition.opens_at.date().isoformat(),
        "opens_at_1": "00:00:00",
        "closes_at_0": "",
        "closes_at_1": "",
        "status": Petition.Status.OPEN,
        "moderation": Petition.Moderation.PUBLISH,
        "_save": "Save",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    petition = Petition.objects.get(pk=petition.pk)
    assert petition.safe_translation_getter("title", language_code="es") == SPANISH["title"]
    assert petition.safe_translation_getter("title", language_code="en") == "Free the organisers"
    assert petition.original_language == "en"
    # Editing the original shows no "original" beside it.
    assert "original-text" not in admin_client.get(change_url(petition, "en")).content.decode()


def test_the_original_language_must_have_a_text(admin_client, make_petition):
    petition = make_petition()
    page = admin_client.get(change_url(petition, "en"))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {
        "original_language": "fr",
        "opens_at_0": petition.opens_at.date().isoformat(),
        "opens_at_1": "00:00:00",
    }
    data.pop("opens_at", None)
    response = admin_client.post(change_url(petition, "en"), data)
    assert response.status_code == 200
    assert "There is no text in French yet" in response.content.decode()


def test_news_and_cases_have_the_translations_column_and_filter(moderator_client):
    update = Update.objects.create(slug="news", title="News", lead="Lead.", body="Body.")
    update.create_translation("ur", title="خبر", lead="خلاصہ", body="متن")
    case = Case.objects.create(name="Idris Example", slug="idris", biography="Organiser.")
    news = moderator_client.get(reverse("admin:campaign_update_changelist")).content.decode()
    assert "ur ✓" in unescape(re.sub(r"<[^>]+>", " ", news))
    cases = moderator_client.get(
        reverse("admin:campaign_case_changelist"), {"needs_translation": "es"}
    )
    assert [c.pk for c in cases.context["cl"].result_list] == [case.pk]
    assert "es missing" in unescape(re.sub(r"<[^>]+>", " ", cases.content.decode()))
