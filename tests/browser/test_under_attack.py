"""Under attack, on a phone: the browser solves the proof-of-work puzzle, the signature is kept."""

import pytest
from playwright.sync_api import expect

from petition.models import Signature, Signer, UsedChallenge
from tests.security.test_abuse_support import set_protection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_under_attack_solves_the_challenge(phone, make_petition, settings):
    settings.PROOF_OF_WORK_BITS = 10  # a puzzle of ~1,000 hashes: quick, but solved for real
    set_protection(under_attack=True, min_fill_seconds=0)
    petition = make_petition()
    page = phone

    page.goto(f"/it/p/{petition.slug}/")
    form = page.locator("#sign-form")
    form.locator("#id_full_name").fill("Nadia Quispe-Larsen")
    form.locator("#id_email").fill("nadia@example.org")
    form.locator("#id_country").select_option("PE")
    form.locator("#id_consent_processing").check()
    expect(form.locator("input[name=proof_solution]")).not_to_have_value("")
    challenge = form.locator("input[name=proof_challenge]").get_attribute("value")
    form.get_by_role("button", name="Firma la petizione").click()
    expect(page.get_by_role("heading", name="Controlla la tua email")).to_be_visible()

    signature = Signature.objects.get()
    assert signature.full_name == "Nadia Quispe-Larsen"
    assert signature.status == Signer.Status.PENDING
    assert UsedChallenge.objects.get().key == challenge.split(".")[0]
    assert page.watch.foreign_requests == []
    assert [e for e in page.watch.console_errors if "Content Security Policy" in e] == []
