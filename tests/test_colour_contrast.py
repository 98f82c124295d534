"""The colours that axe cannot judge, or judges only where a page shows them: the map's scale
(WCAG 1.4.11, 3:1 between one action and none) and the link, error and secondary-button colours
against the page's paper and white (1.4.3, 4.5:1). Read from static/css as browsers read them."""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static" / "css"


def custom_properties(name):
    text = (CSS / name).read_text()
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", text))


def luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_is_wcags():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#0d6efd", "#faf8f5") == pytest.approx(4.24, abs=0.01)  # axe's figure


def test_one_action_on_the_map_stands_out_from_none():
    colours = custom_properties("actions.css")
    assert contrast(colours["--map-level-0"], colours["--map-level-1"]) >= 3
    # Each level is darker than the one before: more actions, more ink.
    levels = [luminance(colours[f"--map-level-{n}"]) for n in range(5)]
    assert levels == sorted(levels, reverse=True)


@pytest.mark.parametrize(
    "name", ["--bs-link-color", "--bs-link-hover-color", "--bs-form-invalid-color"]
)
def test_text_colours_pass_aa_on_paper_and_white(name):
    colours = custom_properties("base.css")
    for background in (colours["--chorus-paper"], "#ffffff"):
        assert contrast(colours[name], background) >= 4.5


@pytest.mark.django_db
def test_the_map_says_more_than_colour(client):
    from tests.campaign.action_factories import make_action

    make_action(country="NP")
    page = client.get("/en/actions/map/").content.decode()
    # The key names every colour, "no actions" included; acted countries are links with a
    # title and an outline (actions.css: .map-link .map-country has a dark stroke).
    key = page[page.index('class="chorus-map-legend"') :]
    assert '<span class="map-swatch map-level-0"></span>No actions' in key
    assert '<title>Nepal: 1 action</title><path class="map-country map-level-1"' in page
    outline = r"\.map-link \.map-country \{\s*stroke: var\(--chorus-ink\);"
    assert re.search(outline, (CSS / "actions.css").read_text())
