"""Bulk invalidation: a moderator's conditions, and the record of what a run changed.

An `Invalidation` is drafted with its conditions (previewed in the admin), then run in the
background by petition/invalidation_batches.py. Each signature it moves is recorded with its
previous status in `InvalidatedSignature`, so that an undo restores exactly what was there.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .petitions import Petition
from .signers import Signature, Signer

# The statuses an invalidation may take signatures from (already rejected or spam: never),
# and the ones it may set.
AFFECTABLE_STATUSES = [
    Signer.Status.PENDING,
    Signer.Status.CONFIRMED,
    Signer.Status.APPROVED,
    Signer.Status.SUSPECTED,
]
NEW_STATUSES = [Signer.Status.REJECTED, Signer.Status.SPAM]
WILDCARDS = {"*", "?"}
DOMAIN_PATTERN = re.compile(r"^[a-z0-9*?]([a-z0-9*?.-]*[a-z0-9*?])?$")
IP_HASH_PATTERN = re.compile(r"^[0-9a-f]{1,32}$")


def default_statuses():
    return [str(status) for status in AFFECTABLE_STATUSES]


def glob_to_regex(pattern, any_char="."):
    """A case-insensitive glob (`*`, `?`) as an anchored regular expression.

    Every other character is matched literally: punctuation is escaped with a backslash,
    which PostgreSQL's regular expressions (and Python's) read as that very character, so
    a moderator's input is never interpreted as a regular expression of its own.
    """
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(f"{any_char}*")
        elif char == "?":
            parts.append(any_char)
        elif char.isalnum():
            parts.append(char)
        else:
            parts.append("\\" + char)
    return "".join(parts)


def has_literal(pattern):
    """True if the glob does not match everything (it has something besides wildcards)."""
    return any(char not in WILDCARDS for char in pattern)


class Invalidation(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft: not run yet")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        UNDOING = "undoing", _("Being undone")
        UNDONE = "undone", _("Undone")
        FAILED = "failed", _("Failed")

    petition = models.ForeignKey(
        Petition,
        on_delete=models.CASCADE,
        related_name="invalidations",
        verbose_name=_("petition"),
    )
    # Conditions: every one given must hold; at least one besides the petition is required.
    ip_hash = models.CharField(
        _("IP hash"),
        max_length=32,
        blank=True,
        help_text=_("Signatures sent from this network (the hash shown in a signature)."),
    )
    email_domain = models.CharField(
        _("email domain"),
        max_length=253,
        blank=True,
        help_text=_("e.g. example.org, or *.example.org for all of its subdomains."),
    )
    name_pattern = models.CharField(
        _("name pattern"),
        max_length=120,
        blank=True,
        help_text=_(
            "Case does not matter; * stands for any text and ? for one character, "
            'e.g. "*test*" or "A? B*". Every other character is matched as it is.'
        ),
    )
    country = CountryField(_("country"), blank=True)
    signed_after = models.DateTimeField(_("signed at or after"), null=True, blank=True)
    signed_before = models.DateTimeField(_("signed before"), null=True, blank=True)
    statuses = models.JSONField(
        _("statuses affected"),
        default=default_statuses,
        help_text=_("Signatures already rejected or marked as spam are never affected."),
    )
    new_status = models.CharField(
        _("new status"),
        max_length=10,
        choices=[(status.value, status.label) for status in NEW_STATUSES],
        default=Signer.Status.SPAM,
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.DRAFT, db_index=True
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    restored = models.PositiveIntegerField(_("restored"), default=0)
    undo_skipped = models.PositiveIntegerField(
        _("left alone by the undo"),
        default=0,
        help_text=_("Signatures whose status a moderator had changed since the run."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("bulk invalidation")
        verbose_name_plural = _("bulk invalidations")

    def __str__(self):
        return _("Invalidation %(number)s") % {"number": self.pk or "-"}

    CONDITION_FIELDS = (
        "ip_hash", "email_domain", "name_pattern", "country", "signed_after", "signed_before",
    )  # fmt: skip

    def has_conditions(self):
        """True if something besides the petition narrows the match (never "all of it")."""
        return any(
            (
                self.ip_hash,
                self.email_domain and has_literal(self.email_domain),
                self.name_pattern and has_literal(self.name_pattern),
                self.country,
                self.signed_after,
                self.signed_before,
            )
        )

    def clean(self):
        errors = {}
        if self.email_domain:
            self.email_domain = self.email_domain.strip().lower().removeprefix("@")
            if not DOMAIN_PATTERN.match(self.email_domain) or ".." in self.email_domain:
                errors["email_domain"] = _(
                    "Enter a domain such as example.org or *.example.org: letters, digits, "
                    "dots, hyphens and the wildcards * and ?."
                )
            elif not has_literal(self.email_domain):
                errors["email_domain"] = _("A domain made only of wildcards matches everyone.")
        if self.name_pattern:
            self.name_pattern = self.name_pattern.strip()
            if not has_literal(self.name_pattern):
                errors["name_pattern"] = _("A pattern made only of wildcards matches everyone.")
        if self.ip_hash:
            self.ip_hash = self.ip_hash.strip().lower()
            if not IP_HASH_PATTERN.match(self.ip_hash):
                errors["ip_hash"] = _("An IP hash is made of up to 32 hexadecimal digits.")
        if self.signed_after and self.signed_before and self.signed_after >= self.signed_before:
            errors["signed_before"] = _("The end of the time window must be after its start.")
        allowed = set(default_statuses())
        if not self.statuses or not set(self.statuses) <= allowed:
            errors["statuses"] = _("Choose at least one of the statuses offered.")
        if self.new_status not in NEW_STATUSES:
            errors["new_status"] = _("Signatures can only be rejected or marked as spam.")
        if errors:
            raise ValidationError(errors)
        if not self.has_conditions():
            raise ValidationError(
                _(
                    "Choose at least one condition besides the petition (IP hash, email "
                    "domain, name pattern, country or time window): an invalidation never "
                    "takes a whole petition."
                ),
                code="no_condition",
            )

    def matching_signatures(self):
        """The signatures the conditions select, for the preview and the run alike."""
        if not self.has_conditions():
            # Never a whole petition, whatever path led here.
            raise ValueError("An invalidation needs a condition besides the petition.")
        statuses = set(self.statuses or ()) & set(default_statuses())
        signatures = Signature.objects.filter(
            petition_id=self.petition_id, status__in=sorted(statuses)
        )
        if self.ip_hash:
            signatures = signatures.filter(ip_hash=self.ip_hash)
        if self.email_domain:
            signatures = signatures.filter(email__iregex=self.email_regex())
        if self.name_pattern:
            signatures = signatures.filter(full_name__iregex=self.name_regex())
        if self.country:
            signatures = signatures.filter(country=self.country)
        if self.signed_after:
            signatures = signatures.filter(created_at__gte=self.signed_after)
        if self.signed_before:
            signatures = signatures.filter(created_at__lt=self.signed_before)
        return signatures

    def name_regex(self):
        return f"^{glob_to_regex(self.name_pattern)}$"

    def email_regex(self):
        # Only the part after the last @: a wildcard never reaches into the mailbox name.
        return f"@{glob_to_regex(self.email_domain, any_char='[^@]')}$"

    @property
    def is_editable(self):
        return self.state == self.State.DRAFT

    @property
    def can_run(self):
        return self.state in (self.State.DRAFT, self.State.FAILED)

    @property
    def can_undo(self):
        return self.state in (self.State.DONE, self.State.FAILED) and self.processed > 0

    @property
    def is_busy(self):
        return self.state in (self.State.RUNNING, self.State.UNDOING)

    def progress_percent(self):
        if not self.matched:
            return 100 if self.state == self.State.DONE else 0
        return min(100, int(self.processed * 100 / self.matched))


class InvalidatedSignature(models.Model):
    """One signature a run moved, with what it was before, so an undo restores exactly that."""

    class UndoResult(models.TextChoices):
        RESTORED = "restored", _("Restored")
        SKIPPED = "skipped", _("Changed since the run: left alone")

    invalidation = models.ForeignKey(Invalidation, on_delete=models.CASCADE, related_name="records")
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="+")
    previous_status = models.CharField(max_length=10, choices=Signer.Status)
    previous_moderated_at = models.DateTimeField(null=True, blank=True)
    # Set by the undo, so that an interrupted undo resumes where it stopped.
    undo_result = models.CharField(max_length=10, choices=UndoResult, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invalidation", "signature"], name="one_record_per_invalidated_signature"
            )
        ]

    def __str__(self):
        return f"{self.invalidation_id}/{self.signature_id}: {self.previous_status}"
