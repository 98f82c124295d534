"""Is this signature suspected? Rate limits, block and allow rules, and the bot traps.

Counters live in the Django cache (lib/counters.py: one round trip to Redis per signature),
keyed on the keyed hash of the network (lib.ip.ip_hash: IPv6 by /64), never on a raw address.

Rules (BlockRule): a matching block rule flags the signature. A network or address allow rule
skips the rate limits (a university behind one NAT, the organiser testing the form). A domain
allow rule only silences the domain alert: anyone can have an address at a large provider, so
it must not open the rate limits to everyone using it.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from lib.counters import count_hits
from lib.ip import ip_hash

from ..email_address import email_domain
from ..models import BlockRule, protection_and_rules
from ..models.protection import ALERT_WINDOW
from . import alerts
from .bot_traps import SigningChecksMixin, trap_reasons

# Why a signature is suspected: short codes stored on the signer, labels for the moderators.
REASONS = {
    "burst": _("Over the per-minute limit for its network"),
    "sustained": _("Over the per-hour limit for its network"),
    "blocked": _("Matched a block rule"),
    "honeypot": _("Filled in the hidden trap field"),
    "too_fast": _("Sent faster than a person fills in the form"),
    "untimed": _("Form timestamp missing, forged or expired"),
}


@dataclass
class Verdict:
    suspected: bool = False
    reasons: list[str] = field(default_factory=list)  # keys of REASONS

    def flag(self, reason):
        self.suspected = True
        if reason not in self.reasons:
            self.reasons.append(reason)


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
        windows[alerts.count_key(kind, key)] = ALERT_WINDOW
    counts = count_hits(windows)

    if rate_limited:
        if counts[burst_key] > protection.burst_limit:
            verdict.flag("burst")
        elif counts[sustained_key] > protection.sustained_limit:
            verdict.flag("sustained")

    if isinstance(form, SigningChecksMixin):
        for reason in trap_reasons(form, protection.min_fill_seconds):
            verdict.flag(reason)

    for kind, (key, threshold) in watched.items():
        alerts.alert_once(kind, key, counts[alerts.count_key(kind, key)], threshold)
    return verdict


def describe_reasons(codes):
    """The stored reason codes ("burst,honeypot") as the moderators read them."""
    return "; ".join(str(REASONS.get(code, code)) for code in codes.split(",") if code)
