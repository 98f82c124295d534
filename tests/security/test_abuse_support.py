"""Shared by the test_abuse* files (no tests here): signing like a person, setting protections."""

import hashlib
import itertools
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from petition.models import Protection
from petition.protection import bot_traps
from petition.protection.bot_traps import FORM_STARTED_SALT
from petition.protection.proof_of_work import leading_zero_bits

# The real fill-time check, even if a conftest relaxes it for tests that post forms directly.
REAL_FORM_AGE = bot_traps.form_age

_numbers = itertools.count(1)


def started(seconds_ago=30):
    """The form's signed timestamp, as if the page had been shown `seconds_ago`."""
    return signing.TimestampSigner(salt=FORM_STARTED_SALT).sign(str(int(time.time()) - seconds_ago))


def person(**changes):
    n = next(_numbers)
    data = {
        "full_name": f"Honest Signer {n}",
        "email": f"signer{n}@example.org",
        "country": "IT",
        "city": "Torino",
        "consent_processing": "on",
        "started": started(),
    }
    return {key: value for key, value in (data | changes).items() if value is not None}


def sign(client, petition, ip="198.51.100.7", **changes):
    return client.post(
        reverse("petition:sign", args=[petition.slug]), person(**changes), REMOTE_ADDR=ip
    )


def set_protection(**fields):
    Protection.objects.update_or_create(pk=1, defaults=fields)
    cache.clear()


def solve(challenge):
    """What static/js/proof-of-work.js does, in Python (tests use few bits)."""
    salt, _expires, bits, _signature = challenge.split(".")
    for n in itertools.count():
        if leading_zero_bits(hashlib.sha256(f"{salt}{n}".encode()).digest()) >= int(bits):
            return str(n)
    return None  # pragma: no cover


def fetch_challenge(client):
    """What the sign form's script does under attack: ask for a fresh challenge."""
    response = client.get(reverse("petition:challenge"))
    assert response.status_code == 200
    return response.json()["challenge"]


@pytest.fixture
def protected(db, monkeypatch):
    """Limits small enough to reach in a test; alerts out of the way unless a test lowers them."""
    monkeypatch.setattr(bot_traps, "form_age", REAL_FORM_AGE)
    set_protection(
        burst_limit=2,
        sustained_limit=3,
        network_alert=1000,
        domain_alert=1000,
        min_fill_seconds=3,
        under_attack=False,
        signing_paused=False,
    )
