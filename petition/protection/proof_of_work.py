"""Proof of work while under attack: each signature costs the sender's browser a puzzle.

The puzzle is cheap for one person and expensive for a flood: find n with sha256(salt + n)
starting with PROOF_OF_WORK_BITS zero bits. Each challenge is signed, expires, and is spent
once (UsedChallenge).
"""

import hashlib
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from ..models import UsedChallenge

CHALLENGE_SALT = "chorus.proof-of-work"

PROOF_MISSING_MESSAGE = _(
    "Your browser has not finished its security check yet, or it failed. Nothing has been "
    "stored yet: please press the button again."
)
PROOF_USED_MESSAGE = _(
    "This security check was already used. Nothing has been stored yet: please press the "
    "button again."
)


def _challenge_signature(payload):
    return salted_hmac(CHALLENGE_SALT, payload, algorithm="sha256").hexdigest()


def new_challenge(now=None):
    """salt.expires.bits.signature: the browser looks for n with sha256(salt + n) starting with
    `bits` zero bits. Signed with a SECRET_KEY-derived key, so it cannot be made easier."""
    expires = int(now or time.time()) + settings.PROOF_OF_WORK_MAX_AGE
    payload = f"{secrets.token_hex(16)}.{expires}.{settings.PROOF_OF_WORK_BITS}"
    return f"{payload}.{_challenge_signature(payload)}"


def leading_zero_bits(digest):
    bits = 0
    for byte in digest:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits


def check_proof_of_work(data, now=None):
    """None if `data` holds a valid, unexpired, unused solution; else the message to show.

    The challenge's salt is then spent: UsedChallenge's unique key makes a replay fail, even
    when two identical submissions race (the second insert waits for the first, then fails).
    """
    challenge = str(data.get("proof_challenge", ""))
    solution = str(data.get("proof_solution", ""))
    parts = challenge.split(".")
    if len(parts) != 4 or not solution.isdigit() or len(solution) > 15:
        return PROOF_MISSING_MESSAGE
    salt, expires, bits, signature = parts
    payload = f"{salt}.{expires}.{bits}"
    if not constant_time_compare(signature, _challenge_signature(payload)):
        return PROOF_MISSING_MESSAGE
    if not (expires.isdigit() and bits.isdigit()) or int(expires) < (now or time.time()):
        return PROOF_MISSING_MESSAGE
    digest = hashlib.sha256(f"{salt}{solution}".encode()).digest()
    if leading_zero_bits(digest) < int(bits):
        return PROOF_MISSING_MESSAGE
    try:
        with transaction.atomic():
            UsedChallenge.objects.create(
                key=salt, expires_at=datetime.fromtimestamp(int(expires), tz=UTC)
            )
    except IntegrityError:
        return PROOF_USED_MESSAGE
    return None
