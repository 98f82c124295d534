"""The world map of actions: the shipped SVG, the count buckets, the page and its data."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from campaign import world_map
from campaign.models import Action
from campaign.world_map import compact_path, level, parse_map, rings, simplify_svg

from .action_factories import make_action

SOURCE = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50" aria-label="Map">
  <path d="m 10.04,10.04 10,0 0,10 -10,0 z m 30,0 5,0 0,5 z" aria-label="Big &amp; Square" id="bs"/>
  <path d="M 80,40 L 80.01,40 80.01,40.01 Z" aria-label="Tiny" id="um-xq"/>
</svg>"""


def test_rings_read_relative_and_absolute_paths():
    assert rings("m 10,10 10,0 0,10 -10,0 z m 30,0 5,0 0,5 z") == [
        [(10, 10), (20, 10), (20, 20), (10, 20)],
        [(40, 10), (45, 10), (45, 15)],  # a move after z starts from the ring's first point
    ]
    assert rings("M 1,2 L 3,4 5e-1,6 Z") == [[(1, 2), (3, 4), (0.5, 6)]]


def test_simplified_paths_round_without_drifting():
    # A zigzag whose every point matters: rounding each relative step (0.33 to 0.3) would
    # drift by 3 units; rounding the points themselves keeps each within 0.05.
    ring = [(0.33 * i, float(i % 2)) for i in range(100)] + [(32.67, 10.0)]
    points = rings(compact_path([ring]))[0]
    assert len(points) >= 99
    for (x, y), (original_x, original_y) in zip(points[:99], ring[:99], strict=True):
        assert abs(x - original_x) <= 0.05 + 1e-9 and abs(y - original_y) <= 0.05 + 1e-9
    assert points[-1] == pytest.approx((32.7, 10))


def test_straight_runs_collapse_to_their_ends():
    ring = [(0.04 * i, 0.0) for i in range(1000)] + [(40, 10), (0, 10)]
    assert compact_path([ring]) == "M0 0l40 0 0 10-40 0z"


def test_simplify_svg_keeps_ids_names_and_tiny_shapes():
    svg = simplify_svg(SOURCE)
    parsed = parse_map(svg)
    assert parsed.viewbox == "0 0 100 50"
    assert [(s.code, s.name) for s in parsed.shapes] == [("bs", "Big & Square"), ("um-xq", "Tiny")]
    big, tiny = parsed.shapes
    assert not big.small and tiny.small
    assert big.d.startswith("M10 10") and tiny.d  # the tiny one was kept, not dropped
    assert (big.cx, big.cy) == ("27.5", "15.0")


def test_the_shipped_map():
    shipped = world_map.world_map()
    assert shipped.viewbox == "0 0 1010 666"
    codes = {shape.code for shape in shipped.shapes}
    assert {"it", "fr", "br", "np", "mt", "sg", "us", "gb", "pk"} <= codes
    # Every ring is a move, at least two steps and a close: browsers refuse "M1 2lz".
    ring = r"M-?[\d.]+[ -]-?[\d.]+l(?:[ -]?-?[\d.]+){4,}z"
    for shape in shipped.shapes:
        assert re.fullmatch(f"(?:{ring})+", shape.d), shape.code
    assert next(s for s in shipped.shapes if s.code == "mt").small
    assert world_map.MAP_PATH.stat().st_size < 200_000


@pytest.mark.parametrize(
    ("count", "expected"), [(0, 0), (1, 1), (2, 2), (4, 2), (5, 3), (14, 3), (15, 4), (900, 4)]
)
def test_count_buckets(count, expected):
    assert level(count) == expected


@pytest.mark.django_db
def test_the_map_page_colours_and_links_countries_with_actions(client):
    for _ in range(5):
        make_action(country="IT")
    make_action(country="NP")
    make_action(country="MT")
    make_action(country="JP", status=Action.Status.PENDING)
    make_action(country="BR", status=Action.Status.REJECTED)
    html = client.get("/en/actions/map/").content.decode()

    def region(code):
        match = re.search(rf'<a class="map-link" href="([^"]+)" aria-label="([^"]+)" '
                          rf'data-country="{code}">(.*?)</a>', html, re.S)  # fmt: skip
        return match and match.groups()

    href, label, inner = region("IT")
    assert href == "/en/actions/?country=IT" and label == "Italy: 5 actions"
    assert "<title>Italy: 5 actions</title>" in inner
    assert 'class="map-country map-level-3"' in inner
    href, label, inner = region("NP")
    assert label == "Nepal: 1 action" and "map-level-1" in inner and "<circle" not in inner
    _href, _label, inner = region("MT")
    assert re.search(r'<circle class="map-dot map-level-1" cx="[\d.]+" cy="[\d.]+"', inner)
    assert region("JP") is None and region("BR") is None
    # Every other country is drawn, unlinked and hidden from screen readers.
    quiet = re.search(r'<g class="map-quiet" aria-hidden="true">(.*?)</g>', html, re.S).group(1)
    assert quiet.count("<path") == len(world_map.world_map().shapes) - 3
    assert "map-level-0" in quiet and "<a " not in quiet
    # The table below says the same, for everyone.
    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    rows = re.findall(
        r'<a href="/en/actions/\?country=(\w\w)">([^<]+)</a></th>\s*<td[^>]*>(\d+)<', table
    )
    assert rows == [("IT", "Italy", "5"), ("MT", "Malta", "1"), ("NP", "Nepal", "1")]
    assert "@svg-maps/world" in html and "CC BY 4.0" in html


@pytest.mark.django_db
def test_the_map_speaks_the_visitors_language(client):
    make_action(country="DE")
    with translation.override("es"):
        url = reverse("campaign:action_map")
    html = client.get(url).content.decode()
    assert 'data-country="DE"' in html
    assert "Alemania" in html


@pytest.mark.django_db
def test_the_map_data_as_json(client):
    make_action(country="IT")
    make_action(country="IT")
    make_action(country="AR")
    make_action(country="JP", status=Action.Status.PENDING)
    response = client.get("/en/actions/map/?format=json")
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"total": 3, "countries": 2, "by_country": {"AR": 1, "IT": 2}}


@pytest.mark.django_db
def test_territories_of_one_country_share_its_count(client):
    make_action(country="UM")
    html = client.get("/en/actions/map/").content.decode()
    assert html.count('data-country="UM"') == 6  # the six groups of US minor outlying islands
