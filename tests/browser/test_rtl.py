"""Urdu reads right to left on every page: the document's direction, Bootstrap's RTL build, and,
measured in the browser, the sign form's labels and the page's text starting at the right."""

import pytest

from tests.public_pages import in_language, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIRECTION = """() => ({
  dir: document.documentElement.dir,
  computed: getComputedStyle(document.body).direction,
  bootstrap: [...document.querySelectorAll("link[rel=stylesheet]")]
    .map(link => new URL(link.href).pathname.split("/").pop())
    .filter(name => name.startsWith("bootstrap")),
})"""


@pytest.fixture
def desktop(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(**browser.devices["Desktop Chrome"], base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_every_urdu_page_is_right_to_left(desktop, campaign):
    wrong = []
    for path, _status in public_pages(campaign):
        response = desktop.goto(in_language(path, "ur"))
        if not response.headers["content-type"].startswith("text/html"):
            continue
        found = desktop.evaluate(DIRECTION)
        if found != {"dir": "rtl", "computed": "rtl", "bootstrap": ["bootstrap.rtl.min.css"]}:
            wrong.append((desktop.url, found))
    assert wrong == []


def test_the_urdu_sign_form_sits_at_the_right(desktop, petition, tmp_path):
    desktop.goto(in_language(petition.get_absolute_url(), "ur"))
    form = desktop.locator("#sign-form")
    label = form.locator("label[for=id_full_name]").bounding_box()
    field = form.locator("#id_full_name").bounding_box()
    title = desktop.locator("h1").bounding_box()
    desktop.screenshot(path=tmp_path / "ur.png", full_page=True)

    # The label starts at the field's right edge and leaves room on the left.
    assert abs((label["x"] + label["width"]) - (field["x"] + field["width"])) <= 2
    assert label["x"] > field["x"] + 20
    # The petition comes first on the right, the sign form on the left (desktop layout).
    assert field["x"] < title["x"]


def test_an_english_page_is_left_to_right(desktop, petition):
    desktop.goto(petition.get_absolute_url())
    assert desktop.evaluate(DIRECTION) == {
        "dir": "ltr",
        "computed": "ltr",
        "bootstrap": ["bootstrap.min.css"],
    }
    label = desktop.locator("#sign-form label[for=id_full_name]").bounding_box()
    field = desktop.locator("#sign-form #id_full_name").bounding_box()
    assert abs(label["x"] - field["x"]) <= 2
