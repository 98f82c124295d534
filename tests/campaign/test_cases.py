"""The people we campaign for: the summary line, the public page, the petition page's box."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import trans_real

from campaign.models import Case, Photo
from tests.campaign.test_images import jpeg_bytes

from .case_factories import CASES, TAKEN, Status, text_of

# The summary line --------------------------------------------------------------------------


def render_summary(case_summary):
    html = render_to_string("campaign/cases/_summary.html", {"case_summary": case_summary})
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_summary_counts_public_cases_only(seven):
    assert Case.objects.summary() == [
        (Status.DETAINED, "Detained", 3),
        (Status.RELEASED, "Released", 4),
    ]
    text = render_summary(Case.objects.summary())
    assert "3 still detained , 4 released" in text
    assert "missing" not in text  # the only missing person is not public
    html = render_to_string("campaign/cases/_summary.html", {"case_summary": [("detained", "", 3)]})
    assert f'href="{CASES}"' in html


def test_summary_wording_for_every_status_in_singular_and_plural():
    for count in (1, 2):
        summary = [(status, label, count) for status, label in Status.choices]
        text = render_summary(summary)
        assert (
            f"{count} still missing , {count} still detained , {count} charged , "
            f"{count} sentenced , {count} released"
        ) in text


def test_summary_renders_nothing_without_public_cases(db, make_case):
    make_case("Hidden Person", (Status.DETAINED, TAKEN), is_public=False)
    assert Case.objects.summary() == []
    assert render_to_string("campaign/cases/_summary.html", {"case_summary": []}).strip() == ""


@pytest.fixture
def french_plurals(monkeypatch):
    """French translations of the detained and released phrases, singular and plural."""
    monkeypatch.setattr(trans_real, "_translations", {})  # restored after the test
    french = trans_real.translation("fr")
    catalog = french._catalog
    phrases = {
        "<strong>%(counter)s</strong> still detained": ("toujours détenu", "toujours détenus"),
        "<strong>%(counter)s</strong> released": ("libéré", "libérés"),
    }
    for msgid, (singular, plural) in phrases.items():
        catalog[(msgid, french.plural(1))] = f"<strong>%(counter)s</strong> {singular}"
        catalog[(msgid, french.plural(3))] = f"<strong>%(counter)s</strong> {plural}"


def test_summary_phrases_use_the_plural_forms_of_the_language(french_plurals):
    with translation.override("fr"):
        one = render_summary([("detained", "", 1), ("released", "", 1)])
        many = render_summary([("detained", "", 3), ("released", "", 4)])
    assert "1 toujours détenu , 1 libéré" in one
    assert "3 toujours détenus , 4 libérés" in many


# The public page ---------------------------------------------------------------------------


def test_cases_page_shows_each_public_person_with_status_and_history(client, make_case):
    moderator = User.objects.create_user("case-moderator-name", is_staff=True)
    case = make_case(
        "Sami Orlen",
        (Status.DETAINED, TAKEN, "Taken from the picket in front of the press club."),
        biography="**Student organiser.** <script>alert(1)</script>Loves chess.",
    )
    case.change_status(Status.CHARGED, TAKEN + timedelta(days=3), "Charged with sedition.")
    case.change_status(Status.RELEASED, TAKEN + timedelta(days=20), "Out on bail.", moderator)
    make_case("Hidden Person", (Status.MISSING, TAKEN), is_public=False)

    response = client.get(CASES)
    assert response.status_code == 200
    html, text = response.content.decode(), text_of(response)
    assert "Hidden Person" not in html
    assert f'id="{case.slug}"' in html and f'href="#{case.slug}"' in html
    assert "Sami Orlen" in text
    assert "<strong>Student organiser.</strong>" in html
    assert "<script>alert" not in html  # the biography is sanitised
    assert '<span class="badge chorus-status chorus-status-released">Released</span>' in html
    released = date_format(TAKEN + timedelta(days=20), "DATE_FORMAT")
    assert f"since {released}" in text
    # The history, newest first, with its public notes; never who recorded it.
    notes = ["Out on bail.", "Charged with sedition.", "Taken from the picket"]
    positions = [text.index(note) for note in notes]
    assert positions == sorted(positions)
    assert "case-moderator-name" not in html
    assert response.context["case_summary"] == [(Status.RELEASED, "Released", 1)]
    assert "1 released" in text


def test_cases_page_orders_by_order_then_name_and_summarises(client, seven):
    response = client.get(CASES)
    text = text_of(response)
    assert "3 still detained , 4 released" in text
    names = [case.name for case in seven]
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    assert response.context["og_title"] == "The people we campaign for"
    html = response.content.decode()
    assert '<meta property="og:description" content="3 still detained, 4 released">' in html


def test_cases_page_shows_thumbnails(client, make_case, media_root):
    photo = Photo.from_upload(SimpleUploadedFile("face.jpg", jpeg_bytes()), caption="x")
    case = make_case("Lior Banes", (Status.DETAINED, TAKEN), photo=photo)
    html = client.get(CASES).content.decode()
    assert f'src="{photo.thumbnail.url}"' in html
    assert 'alt="Photo of Lior Banes"' in html
    assert f'content="http://testserver{photo.image.url}"' in html  # og:image, absolute
    assert case.get_absolute_url() == f"{CASES}#lior-banes"


def test_cases_page_without_anyone(client, db):
    response = client.get(CASES)
    assert response.status_code == 200
    assert "No one is listed here yet." in text_of(response)
    assert "still detained" not in text_of(response)


def test_cases_page_query_count_is_constant(client, make_case, media_root):
    def add(n, start):
        for i in range(start, start + n):
            photo = Photo.from_upload(SimpleUploadedFile("p.jpg", jpeg_bytes()))
            case = make_case(f"Person {i:02d}", (Status.DETAINED, TAKEN, "Taken."), photo=photo)
            case.change_status(Status.RELEASED, TAKEN + timedelta(days=i), "Released.")

    add(3, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(CASES).status_code == 200
    add(9, 3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(CASES)
    assert "12 released" in text_of(response)
    # Cases with photos, their texts, their histories and the histories' notes, the summary.
    assert len(few) == len(many) <= 5


# The summary on the petition page ----------------------------------------------------------


def test_petition_page_has_no_summary_without_cases(client, petition, make_case):
    make_case("Hidden Person", (Status.DETAINED, TAKEN), is_public=False)
    response = client.get(petition.get_absolute_url())
    assert response.context["case_summary"] == []
    assert "chorus-case-summary" not in response.content.decode()


def test_petition_page_summarises_all_cases_when_none_is_linked(client, petition, seven):
    response = client.get(petition.get_absolute_url())
    text = text_of(response)
    assert "3 still detained , 4 released" in text
    assert f'href="{CASES}"' in response.content.decode()


def test_petition_page_summarises_only_the_cases_linked_to_it(
    client, petition, make_petition, seven
):
    other = make_petition()
    for case in seven[:2] + seven[5:]:  # two detained, two released
        case.petitions.add(petition)
    seven[2].petitions.add(other)
    assert "2 still detained , 2 released" in text_of(client.get(petition.get_absolute_url()))
    # Another petition with no linked cases shows every public case.
    third = make_petition()
    assert "3 still detained , 4 released" in text_of(client.get(third.get_absolute_url()))


def test_petition_page_query_count_does_not_grow_with_cases(client, petition, make_case):
    def count():
        cache.clear()  # the petition's counts are cached: measure them every time
        with CaptureQueriesContext(connection) as queries:
            assert client.get(petition.get_absolute_url()).status_code == 200
        return len(queries)

    without = count()
    make_case("Person 0", (Status.DETAINED, TAKEN))
    unlinked = count()
    for i in range(1, 7):
        make_case(f"Person {i}", (Status.DETAINED, TAKEN)).petitions.add(petition)
    assert without == unlinked == count()
