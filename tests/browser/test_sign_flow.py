"""On a phone: sign, confirm from the email, a moderator approves, the name goes public."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from petition.models import Petition, Signature, Signer
from tests.admin_login import authenticator_for, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def moderator(db):
    user = User.objects.create_user("mod", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def test_sign_confirm_approve_and_see_the_name(phone, live_server, make_petition, moderator):
    petition = make_petition(moderation=Petition.Moderation.APPROVE, goal=100)
    page = phone

    # A link without a language: the browser says Italian (it-IT), so the page is Italian.
    page.goto(f"/p/{petition.slug}/")
    assert page.url == f"{live_server.url}/it/p/{petition.slug}/"
    expect(page.get_by_role("heading", name=petition.title)).to_be_visible()
    counter = page.locator("[data-count-url] [data-count=total]")
    expect(counter).to_have_text("0")
    # The browser's language says nothing of where the signer lives: no country is guessed.
    country = page.locator("#sign-form select[name=country]")
    expect(country).to_have_value("")
    expect(country.locator("option:checked")).to_have_text("Scegli il tuo paese")

    # ...and the page speaks Italian, so fields are found by name, texts in Italian.
    form = page.locator("#sign-form")
    form.locator("#id_full_name").fill("Ilaria Ventimiglia-Hart")
    form.locator("#id_email").fill("ilaria@example.org")
    country.select_option("IT")
    form.locator("#id_city").fill("Genova")
    form.locator("details.sign-form-more summary").click()
    form.locator("#id_organisation").fill("Example Port Workers' Union")
    form.locator("#id_role").fill("Regional Secretary")
    form.locator("#id_consent_processing").check()
    form.locator("#id_show_name").check()
    form.get_by_role("button", name="Firma la petizione").click()
    expect(page.get_by_role("heading", name="Controlla la tua email")).to_be_visible()

    signature = Signature.objects.get()
    assert signature.status == Signer.Status.PENDING
    assert signature.country == "IT"
    confirm_url = re.search(r"(http://\S+/confirm/\S+/)", mail.outbox[-1].body).group(1)
    assert confirm_url.startswith(live_server.url)

    page.goto(confirm_url)
    assert Signature.objects.get().status == Signer.Status.PENDING  # opening is not confirming
    page.get_by_role("button", name="Conferma").click()
    expect(page.get_by_role("heading", name="la tua firma è confermata")).to_be_visible()
    assert Signature.objects.get().status == Signer.Status.CONFIRMED

    # Counted at once, but the name waits for a moderator.
    cache.clear()
    page.goto(f"/it/p/{petition.slug}/")
    expect(counter).to_have_text("1")
    page.goto(f"/it/p/{petition.slug}/signatures/")
    expect(page.get_by_text("Ilaria Ventimiglia-Hart")).to_have_count(0)

    page.goto("/admin/")  # in Italian, as the browser asks
    page.locator("#id_username").fill("mod")
    page.locator("#id_password").fill("a-long-test-password")
    page.locator("#id_otp_token").fill(current_code(authenticator_for(moderator)))
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text("mod")
    page.goto("/admin/petition/signature/?status__exact=confirmed")
    row = page.locator("#result_list tbody tr", has_text="Ilaria Ventimiglia-Hart")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1")
    assert Signature.objects.get().status == Signer.Status.APPROVED

    cache.clear()
    page.goto(f"{petition.get_absolute_url()}signatures/")
    expect(page.get_by_text("Ilaria Ventimiglia-Hart")).to_be_visible()
    expect(page.get_by_text("Regional Secretary, Example Port Workers' Union")).to_be_visible()
    page.goto(petition.get_absolute_url())
    expect(counter).to_have_text("1")
    expect(page.get_by_text("Ilaria Ventimiglia-Hart").first).to_be_visible()

    assert page.watch.foreign_requests == []
    assert [
        error for error in page.watch.console_errors if "Content Security Policy" in error
    ] == []


def test_the_live_counter_moves_without_a_reload(phone, make_petition, make_signature):
    petition = make_petition()
    page = phone
    page.goto(petition.get_absolute_url())
    counter = page.locator("[data-count-url] [data-count=total]")
    expect(counter).to_have_text("0")
    make_signature(petition)
    cache.clear()
    page.evaluate("window.dispatchEvent(new Event('chorus:refresh-count'))")
    expect(counter).to_have_text("1", timeout=20_000)
