"""On a phone, every public page of a campaign with some of everything: each loads only from the
site itself, and the browser reports no Content Security Policy violation and no script error."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from campaign.models import Case, Photo, Update
from lib.images import make_safe
from petition.models import Signer
from tests.campaign.action_factories import jpeg_bytes, make_action, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_photo(caption=""):
    safe = make_safe(upload(jpeg_bytes(size=(640, 480), colour=(30, 90, 160))))
    photo = Photo(caption=caption)
    photo.image.save(safe.display.name, safe.display, save=False)
    photo.thumbnail.save(safe.thumbnail.name, safe.thumbnail, save=False)
    photo.save()
    return photo


@pytest.fixture
def campaign(settings, tmp_path, make_petition, make_signature, make_organisation):
    """A petition with signatures and organisations, news with photos, an action, a case."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_PAGE_CACHE = True  # as in production: pages come from Django's cache too
    petition = make_petition()
    for n, country in enumerate(["IT", "BR", "PK", "FR", "IT"]):
        make_signature(petition, country=country, full_name=f"Named Signer {n}", role="Member")
    make_signature(petition, show_name=False, country="DE")
    make_signature(petition, featured=True, full_name="Prominent Person", role="Secretary")
    pending = make_signature(petition, status=Signer.Status.PENDING)
    confirmed = make_signature(petition, status=Signer.Status.CONFIRMED)
    make_organisation(petition)
    make_organisation(petition, status=Signer.Status.PENDING)

    update = Update.objects.create(
        title="The organisers' families speak",
        slug="families-speak",
        lead="A statement from the families.",
        body="They thank **every** signer.\n\n* a list\n* of points",
        status=Update.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(hours=1),
        cover=make_photo("The families"),
    )
    update.gallery.add(make_photo("A vigil"))
    update.petitions.add(petition)

    action = make_action(photos=1, petition=petition, country="NP", city="Kathmandu")
    make_action(kind="motion", country="GB", city="Leeds")

    case = Case.objects.create(
        name="Example Organiser", slug="example-organiser", photo=make_photo("Portrait")
    )
    case.change_status(Case.Status.DETAINED, date.today() - timedelta(days=40), "Taken at dawn.")
    case.petitions.add(petition)
    return {
        "petition": petition,
        "pending": pending,
        "confirmed": confirmed,
        "update": update,
        "action": action,
    }


def public_pages(campaign):
    """(path, expected status) of every public page."""
    petition = campaign["petition"].get_absolute_url()
    return [
        ("/en/", 200),
        ("/en/petitions/", 200),
        (petition, 200),
        (f"{petition}signatures/", 200),
        (f"{petition}signatures/?country=IT", 200),
        (f"{petition}countries/", 200),
        (f"{petition}organisations/", 200),
        (f"{petition}organisations/sign/", 200),
        (f"{petition}thanks/", 200),
        (f"/en/confirm/{campaign['pending'].make_token('confirm')}/", 200),
        (f"/en/not-me/{campaign['pending'].make_token('not-me')}/", 200),
        (f"/en/manage/{campaign['confirmed'].make_token('manage')}/", 200),
        ("/en/news/", 200),
        (campaign["update"].get_absolute_url(), 200),
        ("/en/news/feed/", 200),
        ("/en/actions/", 200),
        ("/en/actions/?country=NP", 200),
        ("/en/actions/?kind=motion", 200),
        (campaign["action"].get_absolute_url(), 200),
        ("/en/actions/map/", 200),
        ("/en/actions/timeline/", 200),
        ("/en/actions/report/", 200),
        ("/en/actions/report/thanks/", 200),
        ("/en/people/", 200),
        ("/no/such/page/", 404),
    ]


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
