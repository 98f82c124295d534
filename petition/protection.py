"""Abuse resistance for signing: rate limits, block and allow rules, bot traps, proof of work.

A signature that trips a check is not refused: `assess` only says it is suspected, and
`actions._store_signer` stores it as SUSPECTED. The sender sees exactly what an honest signer
sees and gets the same email; the signature never counts until a moderator releases it. A
refusal would tell a flooder which of his tricks work.

Counters live in the Django cache (lib/counters.py: one round trip to Redis per signature),
keyed on the keyed hash of the network (lib.ip.ip_hash: IPv6 by /64), never on a raw address.

Rules (BlockRule): a matching block rule flags the signature. A network or address allow rule
skips the rate limits (a university behind one NAT, the organiser testing the form). A domain
allow rule only silences the domain alert: anyone can have an address at a large provider, so
it must not open the rate limits to everyone using it.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lib.counters import count_hits
from lib.email_address import email_domain
from lib.ip import client_ip, ip_hash

from .models import BlockRule, Signer, UsedChallenge, protection_and_rules

# Why a signature is suspected: short codes stored on the signer, labels for the moderators.
REASONS = {
    "burst": _("Over the per-minute limit for its network"),
    "sustained": _("Over the per-hour limit for its network"),
    "blocked": _("Matched a block rule"),
    "honeypot": _("Filled in the hidden trap field"),
    "too_fast": _("Sent faster than a person fills in the form"),
    "untimed": _("Form timestamp missing, forged or expired"),
}

FORM_STARTED_SALT = "chorus.sign-form-started"
# Pages may sit in a tab for a while; a timestamp older than this is no longer trusted.
FORM_STARTED_MAX_AGE = 24 * 3600
CHALLENGE_SALT = "chorus.proof-of-work"
ALERT_WINDOW = 3600

PAUSED_MESSAGE = _(
    "Signing is paused for a short while. Nothing has been stored yet: what you typed is "
    "kept below, please try again later."
)
PROOF_MISSING_MESSAGE = _(
    "Your browser has not finished its security check yet, or it failed. Nothing has been "
    "stored yet: please press the button again."
)
PROOF_USED_MESSAGE = _(
    "This security check was already used. Nothing has been stored yet: please press the "
    "button again."
)


@dataclass
class Verdict:
    suspected: bool = False
    reasons: list[str] = field(default_factory=list)  # keys of REASONS

    def flag(self, reason):
        self.suspected = True
        if reason not in self.reasons:
            self.reasons.append(reason)


# --- The fields the sign form carries for these checks ------------------------------------------


def form_started_value():
    """A signed "the form was shown at" timestamp, rendered into the form."""
    return signing.TimestampSigner(salt=FORM_STARTED_SALT).sign(str(int(time.time())))


def form_age(value):
    """Seconds since the form was shown, or None if the timestamp is missing, forged or old."""
    try:
        started = signing.TimestampSigner(salt=FORM_STARTED_SALT).unsign(
            value or "", max_age=FORM_STARTED_MAX_AGE
        )
        return time.time() - int(started)
    except (signing.BadSignature, ValueError):
        return None


class SigningChecksMixin(forms.Form):
    """Fields for the bot traps: a hidden timestamp and a honeypot people never see."""

    started = forms.CharField(required=False, widget=forms.HiddenInput, initial=form_started_value)
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


# --- The verdict -------------------------------------------------------------------------------


def assess(petition, *, ip, email, form=None):
    """Is this signature suspected? Counts it against the limits and may send an alert."""
    protection, rules = protection_and_rules()
    verdict = Verdict()
    network = ip_hash(ip) or "unknown"
    domain = email_domain(email)

    rules = [rule for rule in rules if rule.matches(ip, email)]
    if any(rule.effect == BlockRule.Effect.BLOCK for rule in rules):
        verdict.flag("blocked")
    allowed = {rule.kind for rule in rules if rule.effect == BlockRule.Effect.ALLOW}
    rate_limited = not allowed & {BlockRule.Kind.NETWORK, BlockRule.Kind.ADDRESS}

    # Every counter this signature moves, in one round trip to the cache.
    burst_key = f"protection:burst:{petition.pk}:{network}"
    sustained_key = f"protection:sustained:{petition.pk}:{network}"
    watched = {}  # kind -> (key, alert threshold)
    windows = {}
    if rate_limited:
        windows |= {burst_key: 60, sustained_key: 3600}
        watched["network"] = (network, protection.network_alert)
    if BlockRule.Kind.DOMAIN not in allowed and domain:
        watched["domain"] = (domain, protection.domain_alert)
    for kind, (key, _threshold) in watched.items():
        windows[_alert_count_key(kind, key)] = ALERT_WINDOW
    counts = count_hits(windows)

    if rate_limited:
        if counts[burst_key] > protection.burst_limit:
            verdict.flag("burst")
        elif counts[sustained_key] > protection.sustained_limit:
            verdict.flag("sustained")

    if form is not None and isinstance(form, SigningChecksMixin):
        _check_form(form, protection, verdict)

    for kind, (key, threshold) in watched.items():
        _alert_once(kind, key, counts[_alert_count_key(kind, key)], threshold)
    return verdict


def _check_form(form, protection, verdict):
    if form.cleaned_data.get("homepage"):
        verdict.flag("honeypot")
    if not protection.min_fill_seconds:
        return  # timing check switched off in the admin
    age = form_age(form.cleaned_data.get("started"))
    if age is None:
        verdict.flag("untimed")
    elif age < protection.min_fill_seconds:
        verdict.flag("too_fast")


# --- Alerts --------------------------------------------------------------------------------


def _digest(key):
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _alert_count_key(kind, key):
    return f"protection:alert-count:{kind}:{_digest(key)}"


def _alert_once(kind, key, count, threshold):
    """Counted per key per hour: when a count first reaches the threshold, alert the staff.
    Asked at the threshold and its multiples only, not at every signature past it (a busy
    domain passes it at every surge); the multiples catch an alert lost with the cache."""
    due = threshold and count >= threshold and count % threshold == 0
    if due and cache.add(f"protection:alerted:{kind}:{_digest(key)}", 1, ALERT_WINDOW):
        from . import tasks

        transaction.on_commit(lambda: tasks.send_signing_alert.enqueue(kind, key, count))


def alert_context(kind, key, count):
    """What the alert says: a network only by its hash (never a raw IP), a domain by name."""
    changelist = reverse("admin:petition_signature_changelist")
    # The hash finds the network's signatures (superusers only); a domain, the suspected ones.
    query = {"ip_hash": key} if kind == "network" else {"status__exact": Signer.Status.SUSPECTED}
    return {
        "kind": kind,
        "key": key,
        "count": count,
        "window_minutes": ALERT_WINDOW // 60,
        "admin_url": settings.SITE_URL + changelist + "?" + urlencode(query),
        "protection_url": settings.SITE_URL + reverse("admin:petition_protection_changelist"),
    }


# --- Proof of work while under attack ------------------------------------------------------------


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


def check_before_signing(petition, form, data):
    """Pause and proof of work: add the message to the form; True if signing may go ahead.

    The switches come with the petition (PetitionQuerySet.with_protection)."""
    if petition.signing_paused:
        form.add_error(None, PAUSED_MESSAGE)
        return False
    if petition.under_attack:
        message = check_proof_of_work(data)
        if message:
            form.add_error(None, message)
            return False
    return True


# --- What the signer sees ------------------------------------------------------------------------


def describe_reasons(codes):
    """The stored reason codes ("burst,honeypot") as the moderators read them."""
    return "; ".join(str(REASONS.get(code, code)) for code in codes.split(",") if code)


def as_seen_by_signer(signer):
    """Show a suspected signer (in memory only) the status an honest one would have."""
    if signer is not None and signer.status == Signer.Status.SUSPECTED:
        confirmed = signer.confirmed_at is not None
        signer.status = Signer.Status.CONFIRMED if confirmed else Signer.Status.PENDING
    return signer


# --- Moderators release a suspected signature ----------------------------------------------------

RELEASED_MESSAGE = _("Released from suspected fraud")


def release(queryset, moderator):
    """Suspected -> confirmed if the signer had confirmed, else pending; counted and logged."""
    from .moderation import Outcome, _selected, log_change

    selected = _selected(queryset).filter(status=Signer.Status.SUSPECTED)
    with transaction.atomic():
        moved = selected.filter(confirmed_at__isnull=False).change_status(Signer.Status.CONFIRMED)
        moved += selected.filter(confirmed_at__isnull=True).change_status(Signer.Status.PENDING)
        log_change(
            queryset.model.objects.filter(pk__in=moved).order_by("pk"), moderator, RELEASED_MESSAGE
        )
    skipped = queryset.exclude(pk__in=moved).count()
    return Outcome(changed=len(moved), skipped=skipped)


# --- Rate limits on public pages (harvesting) ----------------------------------------------


def too_many_requests(request, retry_after):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(scope, *, limit_setting, window=60, methods=None):
    """Answer 429 once one network (by IP hash) made more than settings.<limit_setting>
    requests to this view in `window` seconds; `methods` limits which requests count."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if methods is None or request.method in methods:
                network = ip_hash(client_ip(request)) or "unknown"
                bucket = int(time.time()) // window
                key = f"protection:rate:{scope}:{network}:{bucket}"
                if count_hits({key: window})[key] > getattr(settings, limit_setting):
                    return too_many_requests(request, window - int(time.time()) % window)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def clear_caches():
    from .models.protection import BLOCK_RULES_CACHE_KEY, PROTECTION_CACHE_KEY

    cache.delete_many([PROTECTION_CACHE_KEY, BLOCK_RULES_CACHE_KEY])
