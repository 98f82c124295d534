"""Staff alerts: when one network or one email domain signs too often in an hour.

Counted per key per hour, in the same round trip to the cache as the rate limits (verdict.py).
The email itself is petition/mail.py's `send_signing_alert`, sent in the background.
"""

import hashlib

from django.core.cache import cache
from django.db import transaction

from ..models.protection import ALERT_WINDOW
from ..tasks import send_signing_alert


def _digest(key):
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def count_key(kind, key):
    """The cache counter of signatures from this network or domain in the alert window."""
    return f"protection:alert-count:{kind}:{_digest(key)}"


def alert_once(kind, key, count, threshold):
    """When a count first reaches the threshold, alert the staff, once per window.
    Asked at the threshold and its multiples only, not at every signature past it (a busy
    domain passes it at every surge); the multiples catch an alert lost with the cache."""
    due = threshold and count >= threshold and count % threshold == 0
    if due and cache.add(f"protection:alerted:{kind}:{_digest(key)}", 1, ALERT_WINDOW):
        transaction.on_commit(lambda: send_signing_alert.enqueue(kind, key, count))
