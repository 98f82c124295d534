"""The home page, the site's navigation, and Open Graph / Twitter card tags on public pages."""

import datetime
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.models import Action, Case, Update
from campaign.templatetags.site_url import absolute_url
from petition.models import Petition
from tests.campaign.test_news import make_update, media, photo  # noqa: F401 - fixtures

SITE_URL = "https://campaign.example.org"


class MetaTags(HTMLParser):
    """{property or name: content} of a page's <meta> tags, and its <link rel=…> hrefs."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links = {}, {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs.get("name")
            if key == "og:locale:alternate":  # one for each other language
                self.meta.setdefault(key, []).append(attrs.get("content"))
                return
            assert key not in self.meta, f"{key} twice"
            self.meta[key] = attrs.get("content")
        if tag == "link" and "rel" in attrs:
            self.links.setdefault(attrs["rel"], []).append(attrs)


@pytest.fixture
def make_action(db):
    count = iter(range(1, 10_000))

    def make(status=Action.Status.APPROVED, **fields):
        n = next(count)
        defaults = {
            "kind": Action.Kind.PICKET,
            "title": f"Picket number {n}",
            "organiser": f"Example Trades Council {n}",
            "city": "Lyon",
            "country": "FR",
            "date": datetime.date(2026, 3, 1) - timedelta(days=n),
            "description": "Supporters gathered with banners.",
            "contact_email": f"private.contact{n}@example.org",
            "ip_hash": f"{n:032x}",
            "status": status,
        }
        photos = fields.pop("photos", [])
        action = Action(**(defaults | fields))
        action.assign_slug()
        action.save()
        action.photos.set(photos)
        return action

    return make


def home(client):
    response = client.get(reverse("campaign:home"))
    assert response.status_code == 200
    return response


def test_home_shows_the_open_petition_with_its_counter(
    client, make_petition, make_signature, settings
):
    settings.COUNT_CACHE_SECONDS = 0
    petition = make_petition(title="Free the port organisers", goal=10)
    for country in ("IT", "IT", "BR"):
        make_signature(petition, country=country)
    make_petition(title="A draft nobody sees", status=Petition.Status.DRAFT)
    make_petition(title="A closed petition", status=Petition.Status.CLOSED)
    make_petition(title="Opens next week", opens_at=timezone.now() + timedelta(days=7))
    response = home(client)
    assert [entry["petition"] for entry in response.context["petitions"]] == [petition]
    html = response.content.decode()
    assert "Free the port organisers" in html
    for hidden in ("A draft nobody sees", "A closed petition", "Opens next week"):
        assert hidden not in html
    assert '<span class="chorus-counter-number" data-count="total">3</span>' in html
    assert 'value="3"' in html and 'max="10"' in html
    assert (
        '<span data-count="goal">10</span> signatures · <span data-count="percent">30</span>%'
        in html
    )
    assert 'aria-label="30% of the goal"' in html
    assert f'href="{petition.get_absolute_url()}#sign"' in html
    assert reverse("petition:count", args=[petition.slug]) in html
    assert "Sign the petition" in html


def test_home_shows_only_published_updates_the_latest_three(client, make_update):  # noqa: F811
    now = timezone.now()
    latest = [
        make_update(title=f"Published {n}", publish_at=now - timedelta(hours=n)) for n in range(4)
    ]
    make_update(title="Draft news", status=Update.Status.DRAFT)
    make_update(title="Scheduled news", publish_at=now + timedelta(hours=1))
    response = home(client)
    assert response.context["updates"] == latest[:3]
    html = response.content.decode()
    assert "Published 3" not in html
    assert "Draft news" not in html and "Scheduled news" not in html
    assert reverse("campaign:updates") in html


def test_home_shows_the_latest_public_actions_and_their_totals(client, make_action):
    approved = [
        make_action(country=country, date=datetime.date(2026, 2, day))
        for day, country in enumerate(["FR", "FR", "DE", "GB", "BR", "PK", "IT"], start=1)
    ]
    make_action(status=Action.Status.PENDING, title="Waiting for review")
    make_action(status=Action.Status.REJECTED, title="Rejected report")
    response = home(client)
    assert response.context["actions"] == approved[::-1][:6]
    assert response.context["action_totals"] == {"actions": 7, "countries": 6}
    html = response.content.decode()
    assert "<strong>7</strong> actions" in html and "in <strong>6</strong> countries" in html
    assert "Waiting for review" not in html and "Rejected report" not in html
    for action in approved:
        assert action.contact_email not in html
        assert action.ip_hash not in html
    assert reverse("campaign:report_action") in html


def test_home_shows_the_cases_summary_only_when_there_are_cases(client, db):
    assert "The people we campaign for" not in home(client).content.decode()
    today = timezone.localdate()
    for n, status in enumerate(["detained", "detained", "released"]):
        case = Case.objects.create(name=f"Person {n}", slug=f"person-{n}")
        case.change_status(status, today)
    Case.objects.create(name="Hidden", slug="hidden", is_public=False)
    response = home(client)
    assert response.context["case_summary"] == [
        ("detained", "Detained", 2),
        ("released", "Released", 1),
    ]
    html = response.content.decode()
    assert "The people we campaign for" in html
    assert reverse("campaign:cases") in html


def test_home_with_nothing_yet_still_works(client, db):
    html = home(client).content.decode()
    assert "There is no news yet." in html
    assert "No solidarity actions have been published yet." in html


def test_home_query_count_does_not_grow(
    client,
    petition,
    make_update,  # noqa: F811
    make_action,
    media,  # noqa: F811
    django_assert_max_num_queries,
):
    def fill(n):
        for _ in range(n):
            make_update(cover=photo())
            make_action(photos=[photo(), photo()])

    fill(3)
    Case.objects.create(name="Person", slug="person").change_status(
        "detained", timezone.localdate()
    )
    petition.counts()  # the counters are cached for a few seconds in any case
    with CaptureQueriesContext(connection) as few:
        response = home(client)
    assert len(response.context["actions"]) == 3
    fill(7)
    with django_assert_max_num_queries(len(few)):
        response = home(client)
    assert len(response.context["actions"]) == 6
    assert len(response.context["updates"]) == 3
    html = response.content.decode()
    assert html.count("chorus-update-card-photo") == 3
    assert html.count("chorus-action-card-photo") == 6


# Navigation ---------------------------------------------------------------------------------


def test_every_page_links_the_sections_and_the_feed(client, petition):
    for path in (
        reverse("campaign:home"),
        reverse("campaign:updates"),
        petition.get_absolute_url(),
    ):
        response = client.get(path)
        html = response.content.decode()
        assert (
            f'class="navbar-brand chorus-brand text-truncate" href="{reverse("campaign:home")}"'
            in html
        )
        for name in ("campaign:updates", "campaign:actions", "campaign:cases", "petition:index"):
            assert f'href="{reverse(name)}"' in html
        alternates = MetaTags(html).links["alternate"]
        feeds = [link for link in alternates if link.get("type") == "application/atom+xml"]
        assert [feed["href"] for feed in feeds] == [reverse("campaign:updates_feed")]
    html = client.get(reverse("campaign:updates")).content.decode()
    assert f'href="{reverse("campaign:updates")}" aria-current="page"' in html
    html = client.get(petition.get_absolute_url()).content.decode()
    assert f'href="{reverse("petition:index")}" aria-current="page"' in html


# Open Graph and Twitter cards -----------------------------------------------------------------


def assert_card(html, path, title, description=None, image=None, kind="website"):
    meta = MetaTags(html).meta
    assert meta["og:site_name"] == "Example Solidarity"
    assert meta["og:title"] == meta["twitter:title"] == title
    assert meta["og:url"] == SITE_URL + path
    assert meta["og:type"] == kind
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:image"] == meta["twitter:image"]
    assert meta["og:image"].startswith(SITE_URL + "/")
    if image:
        assert meta["og:image"] == SITE_URL + image
    if description:
        assert meta["og:description"] == meta["twitter:description"] == description
        assert meta["description"] == description
    assert "testserver" not in "".join(str(value) for value in meta.values() if value)
    assert meta["og:locale"] == "en_GB"
    assert "ur_PK" in meta["og:locale:alternate"] and "en_GB" not in meta["og:locale:alternate"]
    return meta


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE_URL
    settings.SITE_NAME = "Example Solidarity"


def test_open_graph_on_the_home_page(client, site, make_petition):
    make_petition(lead="Seven organisers were detained & held without charge.")
    meta = assert_card(
        home(client).content.decode(),
        reverse("campaign:home"),
        "Example Solidarity",
        "Seven organisers were detained & held without charge.",
    )
    assert meta["og:image"] == f"{SITE_URL}/static/img/og-default.png"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")


def test_open_graph_on_an_update_uses_its_cover(client, site, make_update, media):  # noqa: F811
    cover = photo("Banner at the consulate")
    update = make_update(title='Pickets "everywhere"', lead="Ten cities, one demand.", cover=cover)
    response = client.get(update.get_absolute_url())
    meta = assert_card(
        response.content.decode(),
        update.get_absolute_url(),
        'Pickets "everywhere"',
        "Ten cities, one demand.",
        image=cover.image.url,
        kind="article",
    )
    assert meta["og:image:alt"] == "Banner at the consulate"
    assert meta["og:image:width"] == str(cover.width)
    assert meta["article:published_time"] == update.publish_at.isoformat()


def test_open_graph_on_an_update_without_cover_and_on_the_news_list(
    client,
    site,
    make_update,  # noqa: F811
):
    update = make_update(title="No photo this time")
    html = client.get(update.get_absolute_url()).content.decode()
    meta = assert_card(html, update.get_absolute_url(), "No photo this time", kind="article")
    assert meta["og:image"].endswith("/static/img/og-default.png")
    html = client.get(reverse("campaign:updates")).content.decode()
    assert_card(html, reverse("campaign:updates"), "News from Example Solidarity")


def test_open_graph_on_the_petition_page(client, site, make_petition):
    petition = make_petition(title="Drop the charges", lead="They did nothing but organise.")
    html = client.get(petition.get_absolute_url()).content.decode()
    assert_card(
        html, petition.get_absolute_url(), "Drop the charges", "They did nothing but organise."
    )


def test_absolute_url_keeps_object_store_urls_and_uses_site_url(settings):
    settings.SITE_URL = SITE_URL
    assert absolute_url("/media/photos/a.jpg") == f"{SITE_URL}/media/photos/a.jpg"
    assert absolute_url("media/photos/a.jpg") == f"{SITE_URL}/media/photos/a.jpg"
    assert absolute_url("https://bucket.example.net/a.jpg") == "https://bucket.example.net/a.jpg"
    assert absolute_url("//cdn.example.net/a.jpg") == "https://cdn.example.net/a.jpg"
    assert absolute_url("") == ""
