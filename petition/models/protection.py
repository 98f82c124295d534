"""Abuse resistance settings the campaign team edits in the admin."""

import fnmatch
import ipaddress

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PROTECTION_CACHE_KEY = "petition:protection"
BLOCK_RULES_CACHE_KEY = "petition:block-rules"
# The alert thresholds count signatures per network or domain in this many seconds.
ALERT_WINDOW = 3600


class Protection(models.Model):
    """The one row of signing protections (limits and switches), cached for a few seconds."""

    burst_limit = models.PositiveIntegerField(
        _("signatures per network per petition per minute"), default=5
    )
    sustained_limit = models.PositiveIntegerField(
        _("signatures per network per petition per hour"), default=40
    )
    network_alert = models.PositiveIntegerField(
        _("alert when one network signs this many times in an hour"), default=100
    )
    domain_alert = models.PositiveIntegerField(
        _("alert when one email domain signs this many times in an hour"),
        default=300,
        help_text=_("Large providers (gmail.com…) are expected to be busy; see the allow list."),
    )
    min_fill_seconds = models.PositiveIntegerField(_("minimum seconds to fill the form"), default=3)
    under_attack = models.BooleanField(
        _("under attack"),
        default=False,
        help_text=_("Signers' browsers must solve a small proof-of-work puzzle before signing."),
    )
    signing_paused = models.BooleanField(
        _("pause signing"),
        default=False,
        help_text=_("Nobody can sign any petition until this is switched off again."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signing protection")
        verbose_name_plural = _("signing protection")

    def __str__(self):
        return str(_("Signing protection"))

    @classmethod
    def current(cls):
        protection = cache.get(PROTECTION_CACHE_KEY)
        if protection is None:
            # The defaults until a moderator first saves the row: reading never writes.
            protection = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(PROTECTION_CACHE_KEY, protection, 10)
        return protection


class BlockRuleQuerySet(models.QuerySet):
    def cached(self):
        rules = cache.get(BLOCK_RULES_CACHE_KEY)
        if rules is None:
            rules = list(self.all())
            cache.set(BLOCK_RULES_CACHE_KEY, rules, 10)
        return rules


class BlockRule(models.Model):
    """Block (flag silently) or allow (skip the rate limits) a network, email domain or address."""

    class Kind(models.TextChoices):
        NETWORK = "network", _("IP address or network (e.g. 203.0.113.0/24)")
        DOMAIN = "domain", _("Email domain (wildcards: *.example.org)")
        ADDRESS = "address", _("Email address")

    class Effect(models.TextChoices):
        BLOCK = "block", _("Block: flag as suspected fraud")
        ALLOW = "allow", _("Allow: never rate-limited")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    value = models.CharField(_("value"), max_length=254)
    effect = models.CharField(_("effect"), max_length=10, choices=Effect, default=Effect.BLOCK)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BlockRuleQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("block or allow rule")
        verbose_name_plural = _("block and allow rules")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="one_rule_per_value")]

    def __str__(self):
        return f"{self.get_effect_display()}: {self.value}"

    def clean(self):
        self.value = self.value.strip().lower()
        if self.kind == self.Kind.NETWORK:
            try:
                self.value = str(ipaddress.ip_network(self.value, strict=False))
            except ValueError:
                raise ValidationError(
                    {"value": _("Enter an IP address or a network like 203.0.113.0/24.")}
                ) from None
        elif self.kind == self.Kind.DOMAIN and ("@" in self.value or "." not in self.value):
            raise ValidationError({"value": _("Enter a domain like example.org or *.example.org.")})
        elif self.kind == self.Kind.ADDRESS and "@" not in self.value:
            raise ValidationError({"value": _("Enter an email address.")})

    def matches(self, ip, email):
        """Does this rule apply to a request from `ip` signing with `email`?"""
        email = email.strip().lower()
        if self.kind == self.Kind.NETWORK:
            try:
                return ipaddress.ip_address(ip) in ipaddress.ip_network(self.value, strict=False)
            except ValueError:
                return False
        if self.kind == self.Kind.DOMAIN:
            domain = email.rpartition("@")[2]
            return fnmatch.fnmatchcase(domain, self.value) or (
                self.value.startswith("*.") and domain == self.value[2:]
            )
        return email == self.value


def clear_protection_caches():
    """After a moderator edits the limits, switches or rules: every worker sees them at once."""
    cache.delete_many([PROTECTION_CACHE_KEY, BLOCK_RULES_CACHE_KEY])


def protection_and_rules():
    """The protection row and the block rules, which every signature is checked against:
    one round trip to the cache for both."""
    cached = cache.get_many([PROTECTION_CACHE_KEY, BLOCK_RULES_CACHE_KEY])
    protection = cached.get(PROTECTION_CACHE_KEY) or Protection.current()
    rules = cached.get(BLOCK_RULES_CACHE_KEY)
    return protection, BlockRule.objects.cached() if rules is None else rules


class UsedChallenge(models.Model):
    """A proof-of-work challenge already spent: the unique key makes a replay fail, even
    when two submissions with the same solution arrive at once."""

    key = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.key
