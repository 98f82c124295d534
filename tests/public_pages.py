"""Every public page of a campaign with some of everything (a petition with signatures and
organisations, news with photos, actions, a case): the page list that the browser, accessibility
and HTML-validity tests all walk, so that a new page is added here once."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from campaign.models import Case, Photo, Update
from lib.images import make_safe
from petition.models import Signer
from tests.campaign.action_factories import jpeg_bytes, make_action, upload


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


def in_language(path, language):
    """The same page in another language: /en/news/ -> /ur/news/, /no/such/page/ -> /ur/no/..."""
    if path.startswith("/en/"):
        return f"/{language}/{path.removeprefix('/en/')}"
    return f"/{language}{path}"
