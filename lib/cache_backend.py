"""Redis as Django's cache, where a failing Redis degrades caching instead of failing requests.

Everything Chorus keeps in the cache can be lost: page copies and counts are rendered again,
rate-limit counters start over, a refresh lock is simply not taken. So whenever Redis fails a
call, reads miss, writes are dropped, counters count from one, and the warning is logged at
most once a minute per process. Failing is any Redis error, not only a lost connection: a
Redis that is up but refuses writes (out of memory under `noeviction`, MISCONF after a failed
snapshot, READONLY on a replica after a failover) fails every write while its reads still
work, and only the call that failed degrades. Short socket timeouts (the cache's OPTIONS)
keep a hung Redis from holding requests.
"""

import logging
import re
import textwrap
import time
from functools import wraps

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
OUTAGES = (RedisError, OSError)
LOG_EVERY_SECONDS = 60
# What redis-py puts before a pipeline's error: the command, and so its keys.
_PIPELINE_COMMAND = re.compile(r"^Command # \d+ \(.*\) of pipeline caused error: ", re.DOTALL)


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


def described(error):
    """The error's type and Redis' own words, short and without any key."""
    words = textwrap.shorten(_PIPELINE_COMMAND.sub("", str(error)), 120, placeholder="…")
    return f"{type(error).__name__}: {words}"


# What each call answers when Redis fails it: a miss, a write not done, a first hit. These
# are all the methods of Django's cache API that reach Redis; the others (get_or_set, decr,
# the async ones…) are made of them.
FALLBACKS = {
    "get": lambda key, default=None, version=None: default,
    "get_many": lambda keys, version=None: {},
    "has_key": lambda key, version=None: False,
    "add": lambda key, value, timeout=DEFAULT_TIMEOUT, version=None: False,
    "set": lambda key, value, timeout=DEFAULT_TIMEOUT, version=None: None,
    "set_many": lambda data, timeout=DEFAULT_TIMEOUT, version=None: list(data),
    "touch": lambda key, timeout=DEFAULT_TIMEOUT, version=None: False,
    "incr": lambda key, delta=1, version=None: delta,
    "count_hits": lambda windows, version=None: dict.fromkeys(windows, 1),
    "delete": lambda key, version=None: False,
    "delete_many": lambda keys, version=None: None,
    "clear": lambda: False,
}


def forgiving(cls):
    """Each method of FALLBACKS answers its fallback (given the same arguments) when Redis
    fails it, and says so through cls._degraded."""

    def make_forgiving(method, fallback):
        @wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except OUTAGES as error:
                self._degraded(method.__name__, error)
                return fallback(*args, **kwargs)

        return call

    for name, fallback in FALLBACKS.items():
        setattr(cls, name, make_forgiving(getattr(cls, name), fallback))
    return cls


@forgiving
class ForgivingRedisCache(RedisCache):
    _last_logged = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients

    def _degraded(self, operation, error):
        now = time.monotonic()
        if now - ForgivingRedisCache._last_logged >= LOG_EVERY_SECONDS:
            ForgivingRedisCache._last_logged = now
            logger.warning(
                "Cache unavailable (%s failed, %s); serving without it", operation, described(error)
            )

    def count_hits(self, windows, version=None):
        """lib.counters.count_hits in one round trip: per key, SET 0 NX EX then INCR, in one
        MULTI so no counter is ever left without its expiry."""
        keys = [self.make_and_validate_key(key, version=version) for key in windows]
        with self._cache.get_client(write=True).pipeline(transaction=True) as pipeline:
            for key, seconds in zip(keys, windows.values(), strict=True):
                pipeline.set(key, 0, nx=True, ex=seconds)
                pipeline.incr(key)
            replies = pipeline.execute()
        return dict(zip(windows, replies[1::2], strict=True))
