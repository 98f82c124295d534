"""axe-core finds no WCAG 2.2 A or AA violation on any public page, in English and in Urdu (right
to left), on a phone and on a desktop screen, nor on the sign forms after an empty submit."""

import re

import pytest

from petition.models import Signature, Signer
from tests.browser.axe import serve_axe, violations
from tests.public_pages import in_language, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["Pixel 7", "Desktop Chrome"])
def axe_page(request, browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(**browser.devices[request.param], base_url=live_server.url)
    serve_axe(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def report(found):
    return "axe found:\n" + "\n".join(found)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_no_violation_on_any_public_page(axe_page, campaign, language):
    found = []
    for path, status in public_pages(campaign):
        response = axe_page.goto(in_language(path, language), wait_until="load")
        assert response.status == status, path
        if response.headers["content-type"].startswith("text/html"):  # not the Atom feed
            found += violations(axe_page)
    assert not found, report(found)


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("form", ["", "organisations/sign/"])
def test_no_violation_on_a_sign_form_with_errors(axe_page, make_petition, language, form):
    petition = make_petition()
    axe_page.goto(in_language(f"{petition.get_absolute_url()}{form}", language))
    axe_page.locator("form.sign-form [type=submit]").click()
    axe_page.wait_for_load_state("networkidle")
    found = violations(axe_page)
    assert not found, report(found)
    assert axe_page.locator("#error-summary").is_visible()


@pytest.mark.parametrize("language", ["en", "ur"])
def test_no_violation_on_the_pages_after_signing(axe_page, make_petition, mailoutbox, language):
    petition = make_petition()
    page = axe_page
    page.goto(in_language(petition.get_absolute_url(), language))
    form = page.locator("#sign-form")
    form.locator("#id_full_name").fill("Axe Checked Signer")
    form.locator("#id_email").fill("axe@example.org")
    form.locator("#id_country").select_option("PK")
    form.locator("#id_consent_processing").check()
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    page.wait_for_load_state("networkidle")
    found = violations(page)  # "check your email"

    page.goto(re.search(r"(http://\S+/confirm/\S+/)", mailoutbox[-1].body).group(1))
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert Signature.objects.get().status == Signer.Status.CONFIRMED
    found += violations(page)  # "your signature is confirmed"
    assert not found, report(found)
