"""The public pages of solidarity actions: approved only, filters, detail, timeline, cost."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from campaign.models import Action

from .action_factories import make_action

pytestmark = pytest.mark.django_db

APPROVED, PENDING, REJECTED = Action.Status.APPROVED, Action.Status.PENDING, Action.Status.REJECTED
PAGES = ["/en/actions/", "/en/actions/timeline/", "/en/actions/map/"]


def text_of(response):
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        assert response.status_code == 200
    return len(queries)


def test_only_approved_actions_are_listed_newest_first(client):
    older = make_action(title="Older picket", date=date(2025, 3, 1))
    newer = make_action(title="Newer motion", date=date(2025, 4, 2))
    make_action(title="Waiting report", status=PENDING)
    make_action(title="Refused report", status=REJECTED)
    response = client.get("/en/actions/")
    assert response.status_code == 200
    text = text_of(response)
    assert text.index(newer.title) < text.index(older.title)
    assert "Waiting report" not in text and "Refused report" not in text
    assert [a.pk for a in response.context["page"]] == [newer.pk, older.pk]


def test_n_actions_in_m_countries(client):
    make_action(country="FR")
    make_action(country="FR")
    make_action(country="BR")
    make_action(country="JP", status=PENDING)
    for path in PAGES:
        assert "3 actions in 2 countries" in text_of(client.get(path)), path


def test_one_action_in_one_country(client):
    make_action(country="NP")
    assert "1 action in 1 country" in text_of(client.get("/en/actions/"))


def test_nothing_yet(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200
        assert "0 actions in 0 countries" in text_of(response)
        assert "No solidarity actions have been published yet" in text_of(response)


def test_filter_by_country_and_kind(client):
    picket_fr = make_action(country="FR", kind=Action.Kind.PICKET, title="Picket in Lyon")
    motion_fr = make_action(country="FR", kind=Action.Kind.MOTION, title="Motion in Lyon")
    picket_br = make_action(country="BR", kind=Action.Kind.PICKET, title="Picket in Recife")
    make_action(country="BR", kind=Action.Kind.MOTION, status=PENDING, title="Pending motion")

    def listed(query):
        return {a.pk for a in client.get(f"/en/actions/?{query}").context["page"]}

    assert listed("country=FR") == {picket_fr.pk, motion_fr.pk}
    assert listed("country=fr") == {picket_fr.pk, motion_fr.pk}
    assert listed("kind=picket") == {picket_fr.pk, picket_br.pk}
    assert listed("kind=motion") == {motion_fr.pk}
    assert listed("country=BR&kind=picket") == {picket_br.pk}
    assert listed("country=BR&kind=motion") == set()

    text = text_of(client.get("/en/actions/?country=FR"))
    assert "2 actions in France" in text and "Show all actions" in text
    text = text_of(client.get("/en/actions/?country=BR&kind=motion"))
    assert "0 actions of the kind “Motion passed” in Brazil" in text
    assert "No actions match these filters yet" in text
    # The heading still counts everything public.
    assert "3 actions in 2 countries" in text


def test_the_filter_form_offers_countries_with_actions_and_every_kind(client):
    make_action(country="FR")
    make_action(country="JP", status=PENDING)
    html = client.get("/en/actions/?country=FR").content.decode()
    assert re.search(r'<option value="FR" selected>France \(1\)</option>', html)
    assert 'value="JP"' not in html
    for value, _label in Action.Kind.choices:
        assert f'<option value="{value}"' in html


@pytest.mark.parametrize("query", ["country=XX", "country=<b>", "kind=riot", "page=9", "page=x"])
def test_unknown_filters_and_pages_are_not_found(client, query):
    make_action()
    assert client.get(f"/en/actions/?{query}").status_code == 404


def test_twenty_per_page(client):
    for day in range(21):
        make_action(date=date(2025, 1, 1) + timedelta(days=day))
    first = client.get("/en/actions/")
    assert len(first.context["page"].object_list) == 20
    second = client.get("/en/actions/?page=2")
    assert [a.date for a in second.context["page"]] == [date(2025, 1, 1)]
    assert 'rel="next"' in first.content.decode()


def test_the_list_shows_a_small_map_on_its_first_unfiltered_page(client):
    for day in range(21):
        make_action(country="FR", date=date(2025, 1, 1) + timedelta(days=day))
    assert "chorus-map-small" in client.get("/en/actions/").content.decode()
    for query in ("page=2", "country=FR", "kind=picket"):
        assert "chorus-map" not in client.get(f"/en/actions/?{query}").content.decode(), query


def test_cards_show_the_first_photo(client, media_root):
    action = make_action(photos=2)
    first = action.photos.order_by("created_at", "pk").first()
    html = client.get("/en/actions/").content.decode()
    assert f'src="{first.thumbnail.url}"' in html
    assert html.count("/media/photos/") == 1  # one thumbnail per card, not the whole set


def test_the_detail_page(client, media_root, petition):
    action = make_action(
        kind=Action.Kind.MOTION,
        title="Motion passed by the branch",
        organiser="Example Dockers Branch",
        city="Antwerpen",
        country="BE",
        place="Union hall",
        description="Passed unanimously.\n\nSent to the embassy.",
        statement="This branch resolves <b>to act</b>.",
        video_url="https://video.example.org/watch/1",
        source_url="https://news.example.org/motion",
        petition=petition,
        photos=2,
    )
    response = client.get(action.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    for value in ("Motion passed by the branch", "Example Dockers Branch", "Antwerpen",
                  "Belgium", "Union hall", "Passed unanimously.", "Motion passed"):  # fmt: skip
        assert value in text
    assert re.search(r"<blockquote[^>]*>\s*<p>This branch resolves &lt;b&gt;to act&lt;/b&gt;", html)
    for photo in action.photos.all():
        assert f'<a href="{photo.image.url}"><img src="{photo.thumbnail.url}"' in html
    for url in (action.video_url, action.source_url):
        assert f'<a href="{url}" rel="nofollow noopener noreferrer">' in html
    assert "<iframe" not in html
    assert f'href="{petition.get_absolute_url()}"' in html
    # Shared links show the action and its first photo.
    first = action.photos.order_by("created_at", "pk").first()
    assert '<meta property="og:title" content="Motion passed by the branch">' in html
    assert f'<meta property="og:image" content="http://testserver{first.image.url}">' in html
    assert '<meta property="og:type" content="article">' in html


def test_only_approved_actions_have_a_page(client):
    for status in (PENDING, REJECTED):
        assert client.get(make_action(status=status).get_absolute_url()).status_code == 404
    assert client.get("/en/actions/no-such-action-1234abcd/").status_code == 404


def test_unsafe_links_are_never_linked(client):
    # Moderators could paste anything in the admin; the page links only http(s).
    action = make_action(video_url="javascript:alert(1)", source_url="data:text/html,hi")
    html = client.get(action.get_absolute_url()).content.decode()
    assert "javascript:" not in html and "data:text" not in html


def test_a_draft_petition_is_not_linked(client, make_petition):
    draft = make_petition(status="draft", title="Secret draft petition")
    action = make_action(petition=draft)
    assert "Secret draft petition" not in client.get(action.get_absolute_url()).content.decode()


def test_the_timeline_groups_approved_actions_by_month(client):
    make_action(title="January picket", date=date(2025, 1, 20))
    make_action(title="March motion", date=date(2025, 3, 2))
    make_action(title="March letter", date=date(2025, 3, 15))
    make_action(title="Pending photo", date=date(2025, 3, 16), status=PENDING)
    response = client.get("/en/actions/timeline/")
    text = text_of(response)
    assert "Pending photo" not in text
    assert text.index("March 2025") < text.index("March letter") < text.index("March motion")
    assert text.index("March motion") < text.index("January 2025") < text.index("January picket")
    html = response.content.decode()
    assert html.count('class="chorus-timeline-month"') == 2


PRIVATE = {"contact_email": "hidden.reporter@example.org", "ip_hash": "f" * 32}


def test_no_contact_email_or_ip_hash_on_any_public_page(client, media_root):
    action = make_action(photos=1, **PRIVATE)
    pages = [
        *PAGES,
        action.get_absolute_url(),
        "/en/actions/map/?format=json",
        "/en/actions/report/",
    ]
    pages += ["/en/actions/?country=FR", "/en/actions/?kind=picket"]
    for path in pages:
        content = client.get(path).content.decode()
        for value in PRIVATE.values():
            assert value not in content, path
        assert "hidden.reporter" not in content


def test_public_pages_have_no_inline_script_or_style(client, media_root):
    action = make_action(photos=1, statement="Resolved.")
    for path in [
        *PAGES,
        action.get_absolute_url(),
        "/en/actions/report/",
        "/en/actions/report/thanks/",
    ]:
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        # Nothing loaded from another origin (links to elsewhere are fine: they load nothing).
        assert not re.search(r'\ssrc="(https?:)?//(?!testserver/)', html), path


@pytest.mark.parametrize("path", PAGES)
def test_list_pages_cost_the_same_for_many_actions(client, media_root, path):
    for _ in range(3):
        make_action(photos=1, country="FR")
    few = count_queries(client, path)
    for index in range(12):
        make_action(photos=1 if index % 2 else 0, country=["FR", "BR", "JP", "KE"][index % 4])
    assert count_queries(client, path) == few
    assert few <= 5


def test_the_detail_page_costs_a_few_queries(
    client, media_root, petition, django_assert_max_num_queries
):
    action = make_action(photos=3, petition=petition)
    # The action and its texts, its photos, its petition and the petition's texts.
    with django_assert_max_num_queries(5):
        assert client.get(action.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/en/actions/", "Solidarity actions around the world"),
        ("/en/actions/timeline/", "Timeline of solidarity actions"),
        ("/en/actions/map/", "Map of solidarity actions"),
        ("/en/actions/report/", "Report your solidarity action"),
    ],
)
def test_shared_links_have_a_title_and_description(client, path, title):
    html = client.get(path).content.decode()
    assert f'<meta property="og:title" content="{title}">' in html
    assert re.search(r'<meta property="og:description" content="[^"]{20,}">', html)
