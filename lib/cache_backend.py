"""Redis as Django's cache, where an outage degrades caching instead of failing requests.

Everything Chorus keeps in the cache can be lost: page copies and counts are rendered again,
rate-limit counters start over, a refresh lock is simply not taken. So while Redis is down
or slow, reads miss, writes are dropped, counters count from one, and the warning is logged
at most once a minute per process. Short socket timeouts (the cache's OPTIONS) keep a hung
Redis from holding requests.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
OUTAGES = (RedisConnectionError, RedisTimeoutError, OSError)
LOG_EVERY_SECONDS = 60


class ReusedClients(RedisCacheClient):
    """One redis.Redis per connection pool, not a new one per cache call: building a client
    (its table of ~170 response callbacks) cost more than the round trip to Redis."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ForgivingRedisCache(RedisCache):
    _last_logged = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients

    def _degraded(self, operation, error, fallback):
        now = time.monotonic()
        if now - ForgivingRedisCache._last_logged >= LOG_EVERY_SECONDS:
            ForgivingRedisCache._last_logged = now
            logger.warning("Cache unavailable (%s: %s); serving without it", operation, error)
        return fallback

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except OUTAGES as error:
            return self._degraded("get", error, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except OUTAGES as error:
            return self._degraded("get_many", error, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except OUTAGES as error:
            return self._degraded("has_key", error, False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except OUTAGES as error:
            return self._degraded("add", error, False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except OUTAGES as error:
            return self._degraded("set", error, None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except OUTAGES as error:
            return self._degraded("set_many", error, list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except OUTAGES as error:
            return self._degraded("touch", error, False)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except OUTAGES as error:
            return self._degraded("incr", error, delta)

    def count_hits(self, windows, version=None):
        """lib.counters.count_hits in one round trip: per key, SET 0 NX EX then INCR, in one
        MULTI so no counter is ever left without its expiry. Down: every count is one."""
        keys = [self.make_and_validate_key(key, version=version) for key in windows]
        try:
            with self._cache.get_client(write=True).pipeline(transaction=True) as pipeline:
                for key, seconds in zip(keys, windows.values(), strict=True):
                    pipeline.set(key, 0, nx=True, ex=seconds)
                    pipeline.incr(key)
                replies = pipeline.execute()
        except OUTAGES as error:
            return self._degraded("count_hits", error, dict.fromkeys(windows, 1))
        return dict(zip(windows, replies[1::2], strict=True))

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except OUTAGES as error:
            return self._degraded("delete", error, False)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except OUTAGES as error:
            return self._degraded("delete_many", error, None)

    def clear(self):
        try:
            return super().clear()
        except OUTAGES as error:
            return self._degraded("clear", error, False)
