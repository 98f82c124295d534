"""The signatory lists, the countries and organisations pages and the count JSON."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petition.models import SignatureCount

from .public_pages import (
    APPROVED,
    CONFIRMED,
    PENDING,
    REJECTED,
    SPAM,
    confirmed_at,
    rows,
    text_of,
    url,
)


# Signatures list
def test_signatures_newest_first_with_names_only_when_shown(client, petition, make_signature):
    fields = "full_name city country role organisation show_name"
    people = [
        ("Elena Brisco", "Modena", "IT", "Shop steward", "Example Union", True),
        ("Hidden Hannah", "Secretville", "PK", "Covert role", "Hidden Org", False),
    ]
    old, new = rows(make_signature, petition, fields, people)
    confirmed_at(old, 10)
    confirmed_at(new, 1)

    response = client.get(url("signatures", petition))
    assert [s.pk for s in response.context["page"]] == [new.pk, old.pk]
    text = text_of(response)
    assert "2 signatures" in text
    assert "Someone from Pakistan" in text
    assert "Elena Brisco Modena, Italy · Shop steward, Example Union" in text
    for private in ("Hidden Hannah", "Secretville", "Covert role", "Hidden Org"):
        assert private not in text


def test_signatures_country_filter_and_pagination_keep_each_other(client, petition, make_signature):
    for i in range(55):
        confirmed_at(make_signature(petition, country="IT", full_name=f"Italian Signer {i}"), i)
    make_signature(petition, country="FR", full_name="French Signer")

    response = client.get(url("signatures", petition, country="IT"))
    page = response.context["page"]
    assert (len(page), page.paginator.num_pages) == (50, 2)
    assert "55 signatures from Italy" in text_of(response)
    content = response.content.decode()
    assert "French Signer" not in content
    assert 'href="?country=IT&amp;page=2"' in content
    assert '<option value="IT" selected>Italy (55)</option>' in content
    assert '<option value="FR">France (1)</option>' in content

    response = client.get(url("signatures", petition, country="it", page=2, per_page=1000))
    names = [s.full_name for s in response.context["page"]]
    assert names == [f"Italian Signer {i}" for i in range(50, 55)]
    assert 'href="?country=it&amp;page=1&amp;per_page=1000"' in response.content.decode()

    response = client.get(url("signatures", petition, per_page=1000))
    assert len(response.context["page"]) == 50  # the page size cannot be raised


def test_signatures_bad_page_or_country(client, petition, make_signature):
    make_signature(petition, country="IT")
    for query in ({"page": 2}, {"page": 0}, {"page": "abc"}, {"page": -1}, {"country": "XX"}):
        assert client.get(url("signatures", petition, **query)).status_code == 404, query
    response = client.get(url("signatures", petition, country="NP"))
    assert response.status_code == 200
    assert "No signatures from Nepal yet." in text_of(response)


def test_signatures_page_count_comes_from_the_counters(client, petition, make_signature):
    for _ in range(3):
        make_signature(petition, country="IT")
    # Pretend the counters say 120: the list trusts them and never counts rows.
    counters = SignatureCount.objects.filter(petition=petition)
    counters.update(signatures=0)
    counters.filter(pk=counters.first().pk).update(signatures=120)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("signatures", petition))
    assert response.context["page"].paginator.num_pages == 3
    assert "120 signatures" in text_of(response)
    assert not [q for q in queries if "COUNT(" in q["sql"].upper() and "signature" in q["sql"]]


def test_signatures_query_count_is_constant(client, make_petition, make_signature, max_queries):
    small, large = make_petition(), make_petition()
    for i in range(60):
        make_signature(large if i >= 3 else small, status=(APPROVED, CONFIRMED)[i % 2])
    for petition in (small, large):
        for path in (url("signatures", petition), url("signatures", petition, country="IT")):
            with max_queries(6):  # petition, its texts, 3 for counts(), one page
                assert client.get(path).status_code == 200


# Countries and organisations pages
def test_countries_sorted_by_count_and_linked_to_the_list(
    client, petition, make_signature, make_organisation, max_queries
):
    for country, n in (("DE", 1), ("IT", 3), ("BR", 2)):
        for _ in range(n):
            make_signature(petition, country=country)
    make_organisation(petition, country="MX")
    make_organisation(petition, country="IT")

    with max_queries(6):  # petition, its texts, 3 for counts(), organisations
        response = client.get(url("countries", petition))
    table = [
        (r["country"].code, r["signatures"], r["organisations"]) for r in response.context["rows"]
    ]
    assert table == [("IT", 3, 1), ("BR", 2, 0), ("DE", 1, 0), ("MX", 0, 1)]
    assert f'href="{url("signatures", petition)}?country=IT">Italy</a>' in response.content.decode()
    assert "Support from 4 countries." in text_of(response)

    for i in range(40):
        make_signature(petition, country=("IT", "BR", "DE", "FR", "NP")[i % 5])
    cache.clear()
    with max_queries(6):
        assert client.get(url("countries", petition)).status_code == 200


def test_organisations_page_lists_approved_ones(client, petition, make_organisation, max_queries):
    make_organisation(petition, name="Example Dockers Branch", country="GB")
    make_organisation(
        petition,
        name="Example Youth Front",
        country="BR",
        kind="student",
        statement="Solidarity from the youth.",
    )
    for status in (PENDING, REJECTED, SPAM):
        make_organisation(petition, name=f"Hidden {status} Group", status=status)

    with max_queries(7):  # the petition, its texts and protection row, 3 for counts(), the list
        response = client.get(url("organisations", petition))
    text = text_of(response)
    assert "2 organisations have signed." in text
    assert text.index("Brazil Example Youth Front") < text.index("United Kingdom")
    assert "Student or youth group" in text
    assert "Solidarity from the youth." in text
    assert "Hidden" not in text
    assert url("sign_organisation", petition) in response.content.decode()

    for i in range(30):
        make_organisation(petition, name=f"More Organisation {i}", country=("IT", "MX")[i % 2])
    cache.clear()
    with max_queries(7):
        assert client.get(url("organisations", petition)).status_code == 200


# The count JSON
def test_count_json_values_and_cache_header(client, petition, make_signature, make_organisation):
    signers = [("IT", APPROVED), ("BR", CONFIRMED), ("BR", PENDING)]
    rows(make_signature, petition, "country status", signers)
    make_organisation(petition, country="MX")
    make_organisation(petition, country="MX", status=PENDING)

    response = client.get(url("count", petition))
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"total": 2, "organisations": 1, "countries": 3, "goal": 1000}
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=5", "stale-while-revalidate=30"}
    assert "Set-Cookie" not in response.headers
    assert client.post(url("count", petition)).status_code == 405  # GET only
