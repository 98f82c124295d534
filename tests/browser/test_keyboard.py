"""Signing by keyboard alone (Tab, Shift+Tab, typing, Space, Enter; no click), through the error
summary of an empty submit, with JavaScript on and with it off."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from petition.models import Signature, Signer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_ID = "document.activeElement && document.activeElement.id"


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def keyboard_page(request, browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        **browser.devices["Desktop Chrome"],
        base_url=live_server.url,
        java_script_enabled=request.param,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def tab_to(page, selector, key="Tab", limit=60):
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{key} never reached {selector}")


def test_sign_by_keyboard_alone(keyboard_page, make_petition):
    petition = make_petition()
    page = keyboard_page
    page.goto(petition.get_absolute_url())

    # An empty submit: Enter on the sign button.
    tab_to(page, "#sign-form [type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # a screen reader starts with what went wrong
    expect(summary.get_by_role("link")).to_have_count(4)  # name, email, country, consent

    # Each error links to its field: Enter on the first moves the focus to the name field.
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_full_name")).to_be_focused()
    # The field says what is wrong with it, by reference.
    described = page.locator("#id_full_name").get_attribute("aria-describedby").split()
    assert page.locator(f"#{described[-1]}").inner_text() == "This field is required."
    # Shift+Tab goes back to the summary's links, Tab returns to the field.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.closest('#error-summary') !== null")
    page.keyboard.press("Tab")
    expect(page.locator("#id_full_name")).to_be_focused()

    page.keyboard.type("Keyboard Only Signer")
    page.keyboard.press("Tab")
    page.keyboard.type("keys@example.org")
    page.keyboard.press("Tab")
    expect(page.locator("#id_country")).to_be_focused()
    page.keyboard.type("Italy")  # a closed <select> picks by typed name
    expect(page.locator("#id_country")).to_have_value("IT")
    tab_to(page, "#id_consent_processing")
    page.keyboard.press("Space")
    expect(page.locator("#id_consent_processing")).to_be_checked()
    tab_to(page, "#sign-form [type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    signature = Signature.objects.get()
    assert (signature.full_name, signature.email, signature.country) == (
        "Keyboard Only Signer",
        "keys@example.org",
        "IT",
    )

    # The link in the email, then Enter on its button: confirmed, still without a mouse.
    page.goto(re.search(r"(http://\S+/confirm/\S+/)", mail.outbox[-1].body).group(1))
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="your signature is confirmed")).to_be_visible()
    assert Signature.objects.get().status == Signer.Status.CONFIRMED


def test_the_organisation_form_by_keyboard_shows_its_error_summary(keyboard_page, make_petition):
    petition = make_petition()
    page = keyboard_page
    page.goto(f"{petition.get_absolute_url()}organisations/sign/")
    tab_to(page, "form.sign-form [type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_name")).to_be_focused()
