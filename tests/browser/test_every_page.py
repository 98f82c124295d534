"""On a phone, every public page of a campaign with some of everything: each loads only from the
site itself, and the browser reports no Content Security Policy violation and no script error."""

import pytest

from tests.public_pages import public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_public_page_loads_only_from_the_site_without_errors(phone, campaign):
    page = phone
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
    console_errors = []
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append((r.status, r.url)))

    for path, status in public_pages(campaign):
        before = len(page.watch.console_errors)
        response = page.goto(path, wait_until="networkidle")
        assert response.status == status, path
        errors = page.watch.console_errors[before:]
        if status == 404:
            # The 404 of the page itself. Nothing else may go wrong.
            errors = [error for error in errors if "status of 404" not in error]
        console_errors += [f"{path}: {error}" for error in errors]

    assert page.watch.foreign_requests == []
    assert [(status, url.split("/", 3)[3]) for status, url in failed] == [(404, "no/such/page/")]
    assert console_errors == []
    assert script_errors == []
    # The pages did load their own styles, scripts and photos.
    assert any("/static/" in url and url.endswith(".js") for url in requests)
    assert any("/static/" in url and url.endswith(".css") for url in requests)
    assert any("/media/" in url for url in requests)
