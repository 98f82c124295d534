"""Petitions, news and cases in many languages: each reader gets the text in their language,
else in the one it was written in (said so, visibly), each marked with its own lang and dir;
the back office writes them side by side and says what is missing or outdated."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from campaign.models import Action, Case, Update
from lib.edge_cache import EdgeCache
from petition.models import Petition, PetitionTranslation
from tests.petition.test_signing import VALID
from tests.test_edge_cache import call

pytestmark = pytest.mark.django_db

SPANISH = {
    "title": "Liberad a los organizadores",
    "lead": "Siete organizadores fueron detenidos sin cargos.",
    "demands": "* Liberadlos ya",
    "addressee": "el Gobierno de Examplestan",
}
URDU = {
    "title": "منتظمین کو رہا کرو",
    "lead": "سات منتظمین کو بغیر کسی الزام کے حراست میں لیا گیا۔",
    "demands": "* انہیں ابھی رہا کرو",
    "addressee": "ایگزیمپلستان کی حکومت",
}
NOTE = 'class="chorus-untranslated"'


def page(client, petition, language):
    with translation.override(language):
        url = petition.get_absolute_url()
    assert url.startswith(f"/{language}/")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def heading(html):
    """The petition's <h1>, its attributes and text."""
    return re.search(r'<h1 class="chorus-title"([^>]*)>([^<]*)</h1>', html).groups()


@pytest.fixture
def translated(petition):
    petition.create_translation("es", **SPANISH)
    petition.create_translation("ur", **URDU)
    return petition


def test_each_language_reads_its_own_translation(client, translated):
    attributes, title = heading(page(client, translated, "es"))
    assert title == SPANISH["title"]
    assert 'lang="es" dir="ltr"' in attributes
    assert NOTE not in page(client, translated, "es")
    assert heading(page(client, translated, "en"))[1] == translated.title


def test_an_urdu_translation_is_right_to_left(client, translated):
    html = page(client, translated, "ur")
    attributes, title = heading(html)
    assert title == URDU["title"]
    assert 'lang="ur" dir="rtl"' in attributes
    assert '<span lang="ur" dir="rtl">ایگزیمپلستان کی حکومت</span>' in html


def test_without_a_translation_the_original_is_shown_and_said_so(client, petition):
    html = page(client, petition, "it")
    attributes, title = heading(html)
    assert title == petition.title
    assert 'lang="en" dir="ltr"' in attributes
    note = re.search(r'<p class="chorus-untranslated">([^<]*)</p>', html).group(1)
    assert note.startswith("Questo testo non è ancora stato tradotto")  # in the reader's language
    assert "italiano" in note.lower()
    assert "inglese" in note.lower()


def test_english_inside_an_urdu_page_is_marked_left_to_right(client, petition):
    html = page(client, petition, "ur")
    assert '<html lang="ur" dir="rtl">' in html
    attributes, title = heading(html)
    assert title == petition.title
    assert 'lang="en" dir="ltr"' in attributes
    assert 'class="chorus-untranslated"' in html


def test_the_fallback_is_the_original_never_another_language(client, make_petition):
    """Written in Spanish, translated into French: a German reader gets the Spanish."""
    with translation.override("es"):
        petition = make_petition(original_language="es", **SPANISH)
    petition.create_translation("fr", **(SPANISH | {"title": "Libérez les organisateurs"}))
    attributes, title = heading(page(client, petition, "de"))
    assert title == SPANISH["title"]
    assert 'lang="es" dir="ltr"' in attributes
    assert "Libérez" not in page(client, petition, "de")
    assert not PetitionTranslation.objects.filter(master=petition, language_code="en").exists()


def test_the_petition_list_shows_each_in_the_readers_language(client, translated):
    with translation.override("es"):
        url = reverse("petition:index")
    html = client.get(url).content.decode()
    assert SPANISH["title"] in html
    assert translated.safe_translation_getter("title", language_code="en") not in html


@pytest.fixture
def edge(settings):
    """The site behind the copy kept before Django, as gunicorn serves it."""
    settings.PUBLIC_PAGE_CACHE = True
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield EdgeCache(WSGIHandler())
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_cached_copies_of_each_language_never_cross(edge, translated):
    spanish_path = f"/es/p/{translated.slug}/"
    italian_path = f"/it/p/{translated.slug}/"
    _status, _headers, spanish = call(edge, spanish_path)
    _status, _headers, italian = call(edge, italian_path)
    _status, headers, spanish_again = call(edge, spanish_path, HTTP_ACCEPT_LANGUAGE="it")
    assert SPANISH["title"].encode() in spanish
    assert SPANISH["title"].encode() not in italian
    assert translated.title.encode() in italian
    assert NOTE.encode() in italian and NOTE.encode() not in spanish
    assert "non è ancora stato tradotto".encode() in italian
    assert spanish_again == spanish


def test_news_and_cases_are_translated_too(client):
    update = Update.objects.create(
        slug="four-are-free", title="Four are free", lead="Good news.", body="Thank you all.",
        status=Update.Status.PUBLISHED, publish_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    update.create_translation(
        "pt-br", title="Quatro estão livres", lead="Boa notícia.", body="Obrigado."
    )
    case = Case.objects.create(name="Idris Example", slug="idris", biography="Organiser.")
    case.create_translation("ur", biography="طلبہ رہنما۔")
    with translation.override("pt-br"):
        news_html = client.get(update.get_absolute_url()).content.decode()
    assert '<h1 class="chorus-title" lang="pt-BR" dir="ltr">Quatro estão livres</h1>' in news_html
    with translation.override("ur"):
        cases_html = client.get(reverse("campaign:cases")).content.decode()
    assert 'lang="ur" dir="rtl"><p>طلبہ رہنما۔</p>' in cases_html
    with translation.override("es"):
        untranslated = client.get(update.get_absolute_url()).content.decode()
    assert '<h1 class="chorus-title" lang="en" dir="ltr">Four are free</h1>' in untranslated
    assert 'class="chorus-untranslated"' in untranslated


def test_the_confirmation_email_names_the_petition_in_the_signers_language(
    client, translated, django_capture_on_commit_callbacks
):
    with translation.override("es"):
        url = reverse("petition:sign", args=[translated.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, VALID)
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert SPANISH["title"] in message.subject
    assert SPANISH["title"] in message.body
    assert translated.safe_translation_getter("title", language_code="en") not in message.body


def test_the_sign_post_adds_at_most_one_query(client, translated, django_assert_max_num_queries):
    """The petition's texts come with it in one query; nothing per language."""
    with translation.override("es"):
        url = reverse("petition:sign", args=[translated.slug])
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.post(url, VALID | {"email": "first@example.org"})
    texts = [q for q in queries.captured_queries if "petitiontranslation" in q["sql"]]
    assert len(texts) == 1, texts


# Serialized like the other transactional tests: their initial rows are restored after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_moves_existing_texts_into_the_original_language():
    executor = MigrationExecutor(connection)
    before = [("petition", "0010_petition_translations")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("petition", "Petition")
    old.objects.create(
        slug="written-before", title="Written before", lead="Lead.", demands="Demands.",
        addressee="Someone", opens_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    petition = Petition.objects.get(slug="written-before")
    assert petition.original_language == "en"
    row = PetitionTranslation.objects.get(master=petition)
    assert (row.language_code, row.title, row.addressee) == ("en", "Written before", "Someone")

    # And back: the columns get their text again.
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("petition", "Petition")
    assert old.objects.get(slug="written-before").title == "Written before"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_action_reported_in_urdu_keeps_urdu_as_its_original(client, media_root):
    from tests.campaign.action_factories import report_data

    text = {"title": "سفارت خانے کے باہر مظاہرہ", "description": "ہم نے رہائی کا مطالبہ کیا۔"}
    response = client.post("/ur/actions/report/", report_data() | text)
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.original_language == "ur"
    assert action.safe_translation_getter("title", language_code="ur") == text["title"]
    Action.objects.filter(pk=action.pk).update(status=Action.Status.APPROVED)
    html = client.get(f"/en/actions/{action.slug}/").content.decode()
    assert f'<h1 class="chorus-page-title" lang="ur" dir="rtl">{text["title"]}</h1>' in html
    assert "has not been translated into English yet" in html


def test_a_status_notes_translation_is_shown_in_its_language(client):
    case = Case.objects.create(name="Noor Example", slug="noor")
    change = case.change_status(Case.Status.DETAINED, timezone.localdate(), "Taken at dawn.")
    change.create_translation("es", note="Detenida al amanecer.")
    with translation.override("es"):
        spanish = client.get(reverse("campaign:cases")).content.decode()
    assert 'lang="es" dir="ltr">Detenida al amanecer.</p>' in spanish
    with translation.override("ur"):
        urdu = client.get(reverse("campaign:cases")).content.decode()
    assert 'lang="en" dir="ltr">Taken at dawn.</p>' in urdu


def test_texts_given_at_creation_are_the_originals_whatever_the_active_language(db):
    with translation.override("ur"):
        petition = Petition.objects.create(slug="made-in-urdu-ui", **SPANISH)
    row = PetitionTranslation.objects.get(master=petition)
    assert (petition.original_language, row.language_code) == ("en", "en")
    with translation.override("es"):
        spanish = Petition.objects.create(slug="escrita", original_language="es", **SPANISH)
    assert spanish.translations.get().language_code == "es"
