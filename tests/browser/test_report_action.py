"""On a phone: report an action with a photo, a moderator approves it, it is on the list and the
map, and the photo served to the public carries none of the metadata the original had."""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from campaign.models import Action
from tests.admin_login import authenticator_for, current_code
from tests.campaign.action_factories import SECRETS
from tests.campaign.test_images import jpeg_with_everything

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Vigil with the portraits of the seven"


@pytest.fixture
def moderator(db):
    user = User.objects.create_user("mod", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_report_approve_and_see_it_on_the_map(phone, moderator, media_root, tmp_path):
    original = jpeg_with_everything()
    assert b"Exif" in original and b"XMP-SECRET-LOCATION" in original
    photo_file = tmp_path / "vigil.jpg"
    photo_file.write_bytes(original)
    page = phone

    # A supporter reports the action (the page is in Italian for this browser: use ids).
    page.goto("/en/actions/report/")
    assert fits_the_screen(page)
    form = page.locator("#report-form")
    form.locator("#id_kind").select_option("other")
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_date").fill("2025-03-08")
    form.locator("#id_country").select_option("NP")
    form.locator("#id_city").fill("Kathmandu")
    form.locator("#id_place").fill("Maitighar Mandala")
    form.locator("#id_organiser").fill("Example Valley Youth Federation")
    form.locator("#id_description").fill("Candles and portraits of the seven, at dusk.")
    form.locator("#id_photos").set_input_files(str(photo_file))
    form.locator("#id_contact_email").fill("youth.federation@example.org")
    form.locator("#id_consent").check()
    form.locator("[type=submit]").click()
    expect(page).to_have_url("/en/actions/report/thanks/")
    expect(page.locator("h1")).to_be_visible()

    action = Action.objects.get()
    assert action.status == Action.Status.PENDING
    assert action.photos.count() == 1
    page.goto("/en/actions/")
    expect(page.get_by_text(TITLE)).to_have_count(0)

    # A moderator approves it in the admin.
    page.goto("/admin/")
    page.locator("#id_username").fill("mod")
    page.locator("#id_password").fill("a-long-test-password")
    page.locator("#id_otp_token").fill(current_code(authenticator_for(moderator)))
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text("mod")
    page.goto("/admin/campaign/action/?status__exact=pending")
    row = page.locator("#result_list tbody tr", has_text=TITLE)
    expect(row.locator("img")).to_have_count(1)  # the thumbnail, to judge the photo
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1")
    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED

    # Everyone sees it: on the list, on the map, on its own page.
    page.goto("/en/actions/")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    assert fits_the_screen(page)
    page.goto("/en/actions/map/")
    nepal = page.locator('a.map-link[data-country="NP"]')
    expect(nepal).to_have_count(1)
    expect(nepal.locator("path.map-level-1")).to_have_count(1)
    expect(page.locator("table a[href='/en/actions/?country=NP']")).to_be_visible()
    assert fits_the_screen(page)
    nepal.click()
    expect(page).to_have_url("/en/actions/?country=NP")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)

    # The photo as served: a clean JPEG, upright (the original asked for a 90° turn).
    thumbnail = page.locator(".chorus-action-photos img")
    expect(thumbnail).to_be_visible()
    display_url = page.locator(".chorus-action-photos a").get_attribute("href")
    for url in (thumbnail.get_attribute("src"), display_url):
        response = page.request.get(url)
        assert response.ok and response.headers["content-type"] == "image/jpeg"
        body = response.body()
        assert body.startswith(b"\xff\xd8\xff")
        for secret in SECRETS:
            assert secret not in body, (url, secret)
    size = page.evaluate(
        "() => { const img = document.querySelector('.chorus-action-photos img');"
        " return [img.naturalWidth, img.naturalHeight]; }"
    )
    assert size[0] < size[1]  # 200×100 turned upright: taller than wide

    assert page.watch.foreign_requests == []
    # No CSP violation, and no SVG the browser could not draw ("attribute d: Expected number").
    assert page.watch.console_errors == []
