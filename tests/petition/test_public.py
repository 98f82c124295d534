"""The petition's public pages: what the index and the petition page show, and what they cost."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.views.csrf import csrf_failure
from django.views.defaults import permission_denied

from petition.models import Petition

from .public_pages import (
    APPROVED,
    CONFIRMED,
    PENDING,
    PUBLIC_PAGES,
    confirmed_at,
    count_queries,
    rows,
    text_of,
    url,
)


# Drafts and error pages
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_drafts_and_unknown_petitions_are_not_found(client, make_petition, name):
    draft = make_petition(status=Petition.Status.DRAFT, title="Secret draft wording")
    response = client.get(url(name, draft))
    assert response.status_code == 404
    assert "Secret draft wording" not in response.content.decode()
    assert client.get(reverse(f"petition:{name}", args=["no-such-petition"])).status_code == 404


def test_error_pages_are_friendly_and_leak_nothing(client, rf, db):
    response = client.get("/en/p/no-such-petition/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "vendor/bootstrap/bootstrap.min.css" in response.content.decode()

    response = permission_denied(rf.get("/"), Exception("internal detail"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
    assert "internal detail" not in response.content.decode()

    response = csrf_failure(rf.post("/"), reason="CSRF cookie not set.")
    assert "Please try again" in response.content.decode()
    assert "CSRF cookie" not in response.content.decode()

    with CaptureQueriesContext(connection) as queries:
        page = get_template("500.html").render()  # no request, no context
    assert len(queries) == 0
    assert "Something went wrong" in page
    assert "css/base.css" in page


# Index
def test_index_lists_open_petitions_first(client, make_petition, make_signature, max_queries):
    closed = make_petition(title="Closed campaign", status=Petition.Status.CLOSED)
    open_old = make_petition(title="Older open campaign")
    Petition.objects.filter(pk=open_old.pk).update(opens_at=timezone.now() - timedelta(days=9))
    open_new = make_petition(title="Newer open campaign")
    make_petition(title="Unpublished draft campaign", status=Petition.Status.DRAFT)
    make_signature(open_new)
    make_signature(open_new)

    # Cold cache: the list and its texts in every language, then the few counter reads of
    # each petition's counts().
    with max_queries(2 + 3 * 3):
        response = client.get(reverse("petition:index"))
    page = response.content.decode()
    assert "Unpublished draft campaign" not in page
    positions = [page.index(p.title) for p in (open_new, open_old, closed)]
    assert positions == sorted(positions)
    assert open_new.get_absolute_url() in page
    assert '<progress class="chorus-progress" max="1000" value="2"' in page
    assert "2 signatures" in text_of(response)
    assert "Closed" in text_of(response)

    for _ in range(20):
        make_signature(open_old)
    # Warm cache (counts() is cached a few seconds): only the list itself and its texts.
    with max_queries(2):
        assert client.get(reverse("petition:index")).status_code == 200


# Detail
def test_detail_shows_petition_counter_and_form(
    client, petition, make_signature, make_organisation
):
    make_signature(petition, country="IT")
    make_signature(petition, country="DE")
    make_organisation(petition, country="BR")

    response = client.get(petition.get_absolute_url())
    page, text = response.content.decode(), text_of(response)
    assert petition.title in page
    assert petition.lead in page
    assert "To: the Government of Examplestan" in text
    assert "<li>Release them now</li>" in page  # the demands, rendered from Markdown
    assert f'data-count-url="{url("count", petition)}"' in page
    assert 'data-count="total">2<' in page
    assert "1 organisation" in text
    assert "from 3 countries" in text
    assert '<script src="/static/js/counter.js" defer>' in page
    assert 'id="sign-form"' in page  # templates/petition/_sign_form.html
    for name in ("sign", "sign_organisation", "signatures", "countries", "organisations"):
        assert url(name, petition) in page


def test_detail_demands_markdown_is_sanitised(client, make_petition):
    demands = "**Free them**\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2))"
    petition = make_petition(demands=demands + '\n\n<img src=x onerror="alert(3)">')
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "<strong>Free them</strong>" in page
    assert "alert(1)</script>" not in page
    assert "javascript:" not in page
    assert "onerror" not in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": Petition.Status.CLOSED}, "This petition is closed"),
        ({"closes_at": timezone.now() - timedelta(days=1)}, "This petition is closed"),
        ({"opens_at": timezone.now() + timedelta(days=2)}, "Signing has not opened yet"),
    ],
)
def test_detail_has_no_form_unless_accepting_signatures(client, make_petition, fields, message):
    petition = make_petition(**fields)
    response = client.get(petition.get_absolute_url())
    page = response.content.decode()
    assert message in page
    assert 'id="sign-form"' not in page
    assert "data-sign-bar" not in page
    assert url("sign_organisation", petition) not in page
    assert response.context["form"] is None


def test_prominent_signatories_grouped_by_country(client, petition, make_signature):
    fields = "country full_name role organisation featured_order show_name status"
    people = [
        ("IT", "Lucia Ferrantino", "National Committee", "Example Metal Union", 2, True, APPROVED),
        ("IT", "Bruno Castellaro", "Shop steward", "", 1, True, APPROVED),
        ("BR", "Ana Quintela Mota", "", "", 0, True, CONFIRMED),
        ("IT", "Featured But Private", "Delegate", "", 0, False, APPROVED),
        ("IT", "Featured But Pending", "Delegate", "", 0, True, PENDING),
    ]
    rows(make_signature, petition, fields, people, featured=True)
    make_signature(petition, country="IT", full_name="Not Featured Person")

    response = client.get(petition.get_absolute_url())
    groups = response.context["prominent_groups"]
    assert [(country.code, [s.full_name for s in people]) for country, people in groups] == [
        ("BR", ["Ana Quintela Mota"]),
        ("IT", ["Bruno Castellaro", "Lucia Ferrantino"]),
    ]
    text = text_of(response)
    section = text[text.index("Prominent signatories") : text.index("Recent signers")]
    assert "Brazil Ana Quintela Mota Italy Bruno Castellaro (Shop steward)" in section
    assert "Lucia Ferrantino (National Committee, Example Metal Union)" in section
    assert "Not Featured Person" not in section
    assert "Featured But Private" not in text
    assert "Featured But Pending" not in text


def test_organisations_grouped_by_country_with_safe_links(client, petition, make_organisation):
    orgs = [
        ("Example Teachers Federation", "MX", "https://teachers.example.org/", APPROVED),
        ("Example Student Assembly", "DE", "", APPROVED),
        ("Held Back Collective", "DE", "", CONFIRMED),
    ]
    rows(make_organisation, petition, "name country website status", orgs, statement="We stand.")

    response = client.get(petition.get_absolute_url())
    page = response.content.decode()
    groups = response.context["organisation_groups"]
    assert [country.code for country, _members in groups] == ["DE", "MX"]
    link = '<a href="https://teachers.example.org/" rel="nofollow noopener">'
    assert f"{link}Example Teachers Federation</a>" in page
    assert "We stand." in page
    assert "Trade union or union branch" in page
    assert "Example Student Assembly" in page
    assert "Held Back Collective" not in page


def test_recent_signers_show_names_only_with_consent(client, petition, make_signature):
    named = make_signature(petition, country="IT", full_name="Marta Olivenza")
    anonymous = make_signature(petition, country="DE", full_name="Quiet Person", show_name=False)
    confirmed_at(named, 5)
    confirmed_at(anonymous, 1)
    for minutes in range(20, 32):
        confirmed_at(make_signature(petition, full_name=f"Older Signer {minutes}"), minutes)

    response = client.get(petition.get_absolute_url())
    recent = response.context["recent_signers"]
    assert len(recent) == 10
    assert [s.pk for s in recent[:2]] == [anonymous.pk, named.pk]
    text = text_of(response)
    section = text[text.index("Recent signers") :]
    assert section.startswith("Recent signers Someone from Germany")
    assert "Marta Olivenza · Italy" in section
    assert "Quiet Person" not in text
    assert "Older Signer 31" not in text


def test_detail_query_count_is_constant(
    client, make_petition, make_signature, make_organisation, max_queries
):
    small, large = make_petition(), make_petition()
    for petition, n in ((small, 3), (large, 30)):
        for i in range(n):
            country, status = ("IT", "BR", "DE")[i % 3], (APPROVED, CONFIRMED)[i % 2]
            make_signature(petition, country=country, status=status, featured=i % 3 == 0)
            make_organisation(petition, country=("IT", "MX")[i % 2])

    small_queries = count_queries(client, small.get_absolute_url())
    cache.clear()
    assert small_queries == count_queries(client, large.get_absolute_url())
    cache.clear()
    # The petition and its texts, the protection row (cached 10 s), 3 for counts(), 3 lists,
    # case summary.
    with max_queries(10):
        client.get(large.get_absolute_url())
