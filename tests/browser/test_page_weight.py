"""The petition page's first load (HTML, CSS, JavaScript, images and fonts, as the browser fetches
them) weighs at most 100 KB compressed, and nothing comes from another origin.

The live test server sends static files uncompressed, so each body is weighed as production
sends it: static text files Brotli-compressed as whitenoise stores them at collectstatic
(tests/test_compressed_static.py checks that it does), images as they are, and the HTML as
Django sends it, uncompressed (no compression is assumed from the proxy in front)."""

import brotli
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 100 * 1024
COMPRESSED_TYPES = ("text/css", "text/javascript", "application/javascript", "image/svg+xml")


def weight(response):
    body = response.body()
    kind = response.headers.get("content-type", "").split(";")[0]
    if "/static/" in response.url and kind in COMPRESSED_TYPES:
        return len(brotli.compress(body))
    return len(body)


@pytest.mark.parametrize("device", ["Pixel 7", "Desktop Chrome"])
def test_the_petition_page_weighs_at_most_100_kb(browser, live_server, settings, campaign, device):
    settings.SITE_URL = live_server.url
    context = browser.new_context(**browser.devices[device], base_url=live_server.url)
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(campaign["petition"].get_absolute_url(), wait_until="networkidle")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy images too
    page.wait_for_load_state("networkidle")
    weights = {response.url: weight(response) for response in responses}
    context.close()

    foreign = [url for url in weights if not url.startswith((live_server.url, "data:"))]
    assert foreign == []
    total = sum(weights.values())
    listing = "\n".join(f"{size:>8} {url}" for url, size in sorted(weights.items()))
    print(f"{device}: {len(weights)} requests, {total} bytes\n{listing}")
    assert total <= BUDGET, f"{total} bytes > {BUDGET}:\n{listing}"
