"""Paging through a long signatory list: "next" links name the last signature shown, so that
every page is an index range; page numbers alone still work."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.petition.test_public import confirmed_at, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_list(petition, make_signature):
    for i in range(120):
        # Two signatures per minute: rows that share a confirmation time must not be lost.
        confirmed_at(make_signature(petition, country="IT", full_name=f"Signer {i:03d}"), i // 2)
    return petition


def second_page_first_name(client, petition):
    return names(client.get(url("signatures", petition, page=2)))[0]


def names(response):
    return [signature.full_name for signature in response.context["page"]]


def next_link(response):
    match = re.search(r'<a class="page-link" href="([^"]+)" rel="next">', response.content.decode())
    return unescape(match.group(1)) if match else None


def test_following_next_gives_the_same_pages_as_page_numbers(client, long_list):
    path = url("signatures", long_list)
    by_number = [names(client.get(url("signatures", long_list, page=n))) for n in (1, 2, 3)]
    followed, response = [], client.get(path)
    while True:
        followed.append(names(response))
        link = next_link(response)
        if link is None:
            break
        assert re.fullmatch(r"\?page=\d&after=[0-9a-f-]{36}", link), link
        response = client.get(path + link)
    assert followed == by_number
    assert sorted(sum(followed, [])) == [f"Signer {i:03d}" for i in range(120)]


def test_a_followed_page_is_one_index_range(client, long_list):
    first = client.get(url("signatures", long_list))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url("signatures", long_list) + next_link(first))
    assert names(second)[0] == second_page_first_name(client, long_list)
    assert not [q for q in queries if "OFFSET" in q["sql"].upper()]


@pytest.mark.parametrize("after", ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
def test_an_unknown_after_falls_back_to_the_page_number(client, long_list, after):
    response = client.get(url("signatures", long_list, page=2, after=after))
    assert response.status_code == 200
    assert names(response)[0] == second_page_first_name(client, long_list)


def test_another_petitions_signature_does_not_move_the_page(
    client, long_list, make_petition, make_signature
):
    elsewhere = make_signature(make_petition())
    response = client.get(url("signatures", long_list, page=2, after=elsewhere.uuid))
    assert names(response)[0] == second_page_first_name(client, long_list)


def test_the_country_filter_is_kept_when_following_next(client, long_list, make_signature):
    make_signature(long_list, country="FR", full_name="French Signer")
    first = client.get(url("signatures", long_list, country="IT"))
    link = next_link(first)
    assert "country=IT" in link
    second = client.get(url("signatures", long_list) + link)
    assert "French Signer" not in names(second)
    assert names(second) == names(client.get(url("signatures", long_list, country="IT", page=2)))
