"""Redis down: signing and reading go on without the cache, never a 500."""

import socket

import pytest
from django.core.cache import cache
from django.urls import reverse

from benchmarks.faults import closed_port
from lib.cache_backend import ForgivingRedisCache
from petition.models import Signature
from tests.petition.test_signing import VALID

pytestmark = pytest.mark.django_db


def redis_cache(location):
    return {
        "default": {
            "BACKEND": "lib.cache_backend.ForgivingRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def redis_down(settings, monkeypatch):
    monkeypatch.setattr(ForgivingRedisCache, "_last_logged", -1e9)  # log this test's outage
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{closed_port()}/0")
    settings.PUBLIC_PAGE_CACHE = True


def test_the_cache_says_miss_and_drops_writes(redis_down):
    assert cache.get("anything", "default") == "default"
    assert cache.add("lock", 1) is False
    assert cache.set("key", 1) is None
    assert cache.incr("counter") == 1


def read_and_sign(client, petition, email):
    """A visitor's round: every public page answers 200, and signing answers the redirect to
    "check your email" with the signature stored."""
    for url in (
        petition.get_absolute_url(),
        reverse("petition:signatures", args=[petition.slug]),
        reverse("petition:count", args=[petition.slug]),
        reverse("campaign:home"),
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("petition:sign", args=[petition.slug]), VALID | {"email": email})
    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/")
    assert Signature.objects.filter(email=email).exists()


def test_reading_and_signing_work_while_redis_is_down(client, petition, redis_down, caplog):
    read_and_sign(client, petition, VALID["email"])
    assert "Cache unavailable" in caplog.text


def test_with_redis_up_pages_and_counters_are_shared(client, petition, settings):
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379 (.ci/run starts it)")
    settings.CACHES = redis_cache("redis://127.0.0.1:6379/15")
    settings.PUBLIC_PAGE_CACHE = True
    cache.clear()
    assert cache.add("counter", 0) is True
    assert cache.incr("counter") == 1
    # The signatory list's copy is kept inside Django (the petition page's, before it).
    first = client.get(reverse("petition:signatures", args=[petition.slug]))
    assert first.status_code == 200
    assert cache._cache.get_client().keys(":1:page:*")
    cache.clear()
