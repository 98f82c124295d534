"""Counters that expire (lib/counters.py): rate limits and alerts count with them."""

import pytest
from django.core.cache import cache

from lib.counters import count_hits
from tests.test_benchmarks import redis_is_up
from tests.test_cache_outage import closed_port, redis_cache


def use_redis(settings):
    if not redis_is_up():
        pytest.skip("no Redis on 127.0.0.1:6379 (.ci/run starts it)")
    settings.CACHES = redis_cache("redis://127.0.0.1:6379/15")


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings):
    if request.param == "redis":
        use_redis(settings)
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def redis(settings):
    use_redis(settings)
    cache.clear()
    yield cache._cache.get_client()
    cache.clear()


def test_each_counter_counts_its_own_hits(any_cache):
    assert count_hits({"minute": 60, "hour": 3600}) == {"minute": 1, "hour": 1}
    assert count_hits({"minute": 60, "hour": 3600}) == {"minute": 2, "hour": 2}
    assert count_hits({"minute": 60, "other": 60}) == {"minute": 3, "other": 1}
    assert count_hits({}) == {}


def test_a_counter_starts_again_once_its_window_is_over(any_cache):
    count_hits({"minute": 60})
    cache.delete("minute")  # what its expiry does
    assert count_hits({"minute": 60}) == {"minute": 1}


def test_redis_counters_expire_after_their_first_hit(redis):
    count_hits({"minute": 60, "hour": 3600})
    count_hits({"minute": 60, "hour": 3600})
    minute, hour = (redis.ttl(cache.make_key(key)) for key in ("minute", "hour"))
    assert 55 <= minute <= 60 and 3595 <= hour <= 3600  # set once, not pushed back by each hit


def test_with_redis_down_every_hit_counts_as_a_first(settings):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{closed_port()}/0")
    assert count_hits({"minute": 60, "hour": 3600}) == {"minute": 1, "hour": 1}
    assert count_hits({"minute": 60, "hour": 3600}) == {"minute": 1, "hour": 1}
