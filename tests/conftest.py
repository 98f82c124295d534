import itertools

import pytest
from django.utils import timezone

from petition.models import Organisation, Petition, Signature, Signer
from tests.public_pages import campaign  # noqa: F401 (the fixture of every public page)

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_to_begin_with():
    """Each test starts in LANGUAGE_CODE: LocaleMiddleware leaves the language of the test
    client's last request active in the thread, and reverse() would follow it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _pages_fresh_from_the_database(settings):
    """Tests read back at once what they wrote; tests/test_http_cache.py and the browser tests
    of every page switch Django's copy of the public pages back on."""
    settings.PUBLIC_PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _signers_take_their_time(monkeypatch):
    """Tests post the sign form at once and without the page's timestamp, as no person does;
    tests/security/test_abuse* put the real fill-time check back."""
    from petition.protection import bot_traps

    monkeypatch.setattr(bot_traps, "form_age", lambda value: 60.0)


@pytest.fixture(autouse=True)
def _rate_windows_stand_still(monkeypatch):
    """Rate limits count per fixed minute (lib.rate_limit); a test that crossed a minute's
    end would see its count start again and its 429 never come."""
    import types

    from lib import rate_limit

    monkeypatch.setattr(rate_limit, "time", types.SimpleNamespace(time=lambda: 1_800_000_030.0))


@pytest.fixture
def make_petition(db):
    def make(**fields):
        n = next(_sequence)
        defaults = {
            "title": f"Free the detained organisers {n}",
            "slug": f"free-the-organisers-{n}",
            "lead": "Seven organisers were detained without charge.",
            "demands": "* Release them now\n* Drop all charges",
            "addressee": "the Government of Examplestan",
            "goal": 1000,
            "status": Petition.Status.OPEN,
        }
        return Petition.objects.create(**(defaults | fields))

    return make


@pytest.fixture
def petition(make_petition):
    return make_petition()


@pytest.fixture
def make_signature(db):
    """A signature in any state, through change_status so the counters stay exact."""

    def make(petition, status=Signer.Status.APPROVED, *, confirmed=None, **fields):
        """`confirmed`: whether the signer confirmed by email; counted statuses always did,
        and the others did not unless asked."""
        n = next(_sequence)
        defaults = {
            "full_name": f"Test Signer {n}",
            "email": f"signer{n}@example.org",
            "country": "IT",
            "show_name": True,
            "consent_version": "test",
            "consented_at": timezone.now(),
        }
        values = defaults | fields
        values.setdefault("email_canonical", values["email"].lower())
        signature = Signature.objects.create(petition=petition, **values)
        selected = Signature.objects.filter(pk=signature.pk)
        if confirmed or (confirmed is None and status in Signer.COUNTED):
            selected.change_status(Signer.Status.CONFIRMED, moderated=False)
        if status != Signer.Status.PENDING:
            selected.change_status(status)
        signature.refresh_from_db()
        return signature

    return make


@pytest.fixture
def make_organisation(db):
    def make(petition, status=Signer.Status.APPROVED, **fields):
        n = next(_sequence)
        defaults = {
            "name": f"Example Workers Union branch {n}",
            "country": "BR",
            "kind": Organisation.Kind.UNION,
            "contact_name": "Contact Person",
            "email": f"org{n}@example.org",
            "consent_version": "test",
            "consented_at": timezone.now(),
            "status": status,
            "confirmed_at": timezone.now() if status in Signer.COUNTED else None,
        }
        values = defaults | fields
        values.setdefault("email_canonical", values["email"].lower())
        return Organisation.objects.create(petition=petition, **values)

    return make


@pytest.fixture
def moderator(db):
    """A volunteer in the Moderators group (tests needing a password or other rights make
    their own)."""
    from tests.admin_login import make_staff

    return make_staff("volunteer")


@pytest.fixture
def moderator_client(client, moderator):
    from tests.admin_login import login_verified

    return login_verified(client, moderator)


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, logged in with the second factor the admin requires."""
    from django.test import Client

    from tests.admin_login import login_verified

    return login_verified(Client(), admin_user)
