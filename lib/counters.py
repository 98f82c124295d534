"""Counters that expire, for rate limits and alerts: hits per key per window, in the cache.

One request may move several counters (per minute, per hour, per network, per domain).
With Redis (lib/cache_backend.py) they move in one round trip, each atomically created
with its expiry then incremented; with any other cache, key by key with add then incr.
"""

from django.core.cache import cache


def count_hits(windows):
    """Add one to each counter of `windows` ({key: seconds it lives after its first hit});
    return {key: hits so far, this one included}."""
    counted = getattr(cache, "count_hits", None)
    if counted is not None:
        return counted(windows)
    return {key: _count_one(key, seconds) for key, seconds in windows.items()}


def _count_one(key, seconds):
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        return 1
