"""Redis up but refusing writes (full under noeviction, a failed snapshot, a read-only
replica): signing and reading go on as when Redis is down, never a 500 (Chorus issue 11).

Each state is put on a redis-server of this module's own (port 6391), never on the system
Redis others share.
"""

import asyncio
import shutil

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from benchmarks.faults import PrivateRedis
from lib.cache_backend import FALLBACKS, ForgivingRedisCache
from petition.models import Signature
from tests.test_cache_outage import read_and_sign, redis_cache

pytestmark = pytest.mark.django_db

PORT = 6391


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is missing")
    directory = tmp_path_factory.mktemp("redis")
    with PrivateRedis(PORT, directory / "redis.log") as server:
        yield server


@pytest.fixture
def use_own_redis(own_redis, settings, monkeypatch):
    monkeypatch.setattr(ForgivingRedisCache, "_last_logged", -1e9)  # log this test's errors
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{PORT}/0")
    settings.PUBLIC_PAGE_CACHE = True
    own_redis.client().flushdb()
    yield own_redis
    own_redis.client().flushdb()


@pytest.fixture(params=list(PrivateRedis.REFUSALS))
def refusing(request, use_own_redis):
    """Redis in one state that refuses writes, holding what was written before; put right
    after the test unless the test did. (refusal, the error a write gets)"""
    cache.set("written-before", "still there")
    cache.set("counter", 5)
    refusal = request.param
    error = use_own_redis.refuse_writes(refusal)
    yield refusal, error
    if use_own_redis.write_refused():
        use_own_redis.accept_writes(refusal)


def warnings_logged(caplog):
    return [r.getMessage() for r in caplog.records if "Cache unavailable" in r.getMessage()]


def test_reads_still_work_and_writes_are_dropped(refusing, caplog):
    refusal, error = refusing
    assert cache.count_hits({"hits-of-someone": 60}) == {"hits-of-someone": 1}
    [warning] = warnings_logged(caplog)
    assert error.split(":")[0] in warning  # the error's type, without the command's keys
    assert "hits-of-someone" not in warning and ":1:" not in warning
    assert cache.get("written-before") == "still there"
    assert cache.get_many(["written-before", "never"]) == {"written-before": "still there"}
    assert cache.has_key("written-before") is True
    assert cache.set("key", 1) is None
    assert cache.get("key") is None
    assert cache.add("lock", 1) is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.incr("counter") == 1  # counts from one, as in an outage
    assert cache.get("counter") == 5
    assert cache.count_hits({"minute": 60, "hour": 3600}) == {"minute": 1, "hour": 1}
    assert len(warnings_logged(caplog)) == 1


def test_every_method_that_reaches_redis_is_forgiving():
    reaching = {
        name
        for name, value in vars(RedisCache).items()
        if callable(value) and not name.startswith("_") and name != "get_backend_timeout"
    }
    assert reaching <= set(FALLBACKS)


def test_no_cache_call_raises(refusing):
    """Every call of Django's cache API, sync and async, answers (a raise fails the test)."""
    calls = [
        lambda: cache.get("written-before"),
        lambda: cache.get_many(["written-before"]),
        lambda: cache.has_key("written-before"),
        lambda: cache.set("k", 1),
        lambda: cache.add("k", 1),
        lambda: cache.get_or_set("k", 1),
        lambda: cache.set_many({"k": 1}),
        lambda: cache.touch("written-before", 10),
        lambda: cache.incr("counter"),
        lambda: cache.decr("counter"),
        lambda: cache.count_hits({"minute": 60}),
        lambda: cache.delete("written-before"),
        lambda: cache.delete_many(["counter"]),
        lambda: cache.clear(),
        lambda: asyncio.run(cache.aget("written-before")),
        lambda: asyncio.run(cache.aset("k", 1)),
        lambda: asyncio.run(cache.aadd("k", 1)),
    ]
    for call in calls:
        call()


def test_signing_and_reading_answer_while_redis_refuses_writes(client, petition, refusing, caplog):
    refusal, error = refusing
    for email in ("amara@example.org", "lind@example.org"):
        read_and_sign(client, petition, email)
    assert Signature.objects.count() == 2
    # Once a minute, not per request, saying what Redis answered.
    [warning] = warnings_logged(caplog)
    assert error.split(":")[0] in warning  # the error's type
    assert {"oom": "maxmemory", "misconf": "MISCONF", "readonly": "read only"}[refusal] in warning


def test_the_cache_is_used_again_once_redis_accepts_writes(client, petition, refusing, own_redis):
    refusal, _error = refusing
    assert client.get(petition.get_absolute_url()).status_code == 200
    assert cache.count_hits({"minute": 60}) == {"minute": 1}
    own_redis.accept_writes(refusal)
    # The signatory list keeps its copy inside Django (the test client skips config/wsgi.py).
    signatures = reverse("petition:signatures", args=[petition.slug])
    assert client.get(signatures).status_code == 200
    assert own_redis.client().keys(":1:page:*")
    assert cache.count_hits({"minute": 60}) == {"minute": 1}
    assert cache.count_hits({"minute": 60}) == {"minute": 2}
