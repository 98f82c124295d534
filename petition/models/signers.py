"""Who signed: a person (Signature) or an organisation (Organisation), and how their status moves.

Every status change goes through `SignerQuerySet.change_status`, which keeps the public
counters exact and never counts a signer whose email address is unconfirmed: the
confirmation link is what proves the signer exists. A check constraint in the database says
the same, so no path can store a counted signer without `confirmed_at`.
"""

import uuid

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from .counts import SignatureCount
from .petitions import Petition


def is_confirmation(old, new):
    """Pending to confirmed is the signer confirming by the emailed link (it sets confirmed_at);
    no other move may count a signer whose address was never confirmed."""
    return old == Signer.Status.PENDING and new == Signer.Status.CONFIRMED


class SignerQuerySet(models.QuerySet):
    def counted(self):
        return self.filter(status__in=Signer.COUNTED)

    def approved(self):
        return self.filter(status=Signer.Status.APPROVED)

    def awaiting_moderation(self):
        return self.filter(status=Signer.Status.CONFIRMED)

    def change_status(self, status, *, moderated=True, now=None, only_from=None):
        """Move the selected rows to `status`, keeping the counters exact; returns the pks moved.

        `only_from`: move only the rows now in that status, checked on the locked rows rather
        than in the query. A status condition in the query made PostgreSQL walk the status
        index, whose statistics lag behind a surge of new signatures: 7 ms per confirmation
        at 70,000 pending, against 0.05 ms by primary key."""
        now = now or timezone.now()
        with transaction.atomic():
            rows = [
                (pk, petition_id, country, old)
                for pk, petition_id, country, old, confirmed_at in self.select_for_update()
                .order_by("pk")  # every transaction locks in the same order: no deadlock
                .values_list("pk", "petition_id", "country", "status", "confirmed_at")
                if old != status
                and only_from in (None, old)
                and (status not in Signer.COUNTED or confirmed_at or is_confirmation(old, status))
            ]
            if not rows:
                return []
            changes = {"status": status}
            if moderated:
                changes["moderated_at"] = now
            if status == Signer.Status.CONFIRMED:
                changes["confirmed_at"] = Coalesce(F("confirmed_at"), Value(now))
            self.model.objects.filter(pk__in=[row[0] for row in rows]).update(**changes)
            self.model.apply_count_changes(
                (petition_id, country, Signer.counts(status) - Signer.counts(old))
                for _pk, petition_id, country, old in rows
            )
        return [row[0] for row in rows]

    def erase(self):
        """Delete the rows for good, taking them off the counters."""
        with transaction.atomic():
            rows = list(
                self.select_for_update().values_list("pk", "petition_id", "country", "status")
            )
            self.model.apply_count_changes(
                (petition_id, country, -Signer.counts(old))
                for _pk, petition_id, country, old in rows
            )
            pks = [row[0] for row in rows]
            forget_in_admin_log(self.model, pks)
            return self.model.objects.filter(pk__in=pks).delete()

    def anonymise(self):
        """Keep what was public (a consented name, country, status: the counts stay true);
        blank everything else, for good."""
        with transaction.atomic():
            pks = list(self.values_list("pk", flat=True))
            private = {"email": "", "ip_hash": "", "keep_informed": False}
            private |= self.model.ANONYMISED_FIELDS
            self.model.objects.filter(pk__in=pks).update(
                email_canonical=Concat(Value("anonymised-"), Cast("uuid", models.CharField())),
                **private,
            )
            if self.model is Signature:
                Signature.objects.filter(pk__in=pks, show_name=False).update(
                    full_name="", organisation="", role=""
                )
            forget_in_admin_log(self.model, pks)
        return len(pks)


def forget_in_admin_log(model, pks):
    """The admin's log names what it changed; once a signer is erased, so is the name."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(pk) for pk in pks],
    ).update(object_repr=str(_("[erased]")))


class Signer(models.Model):
    """What a person signing and an organisation signing have in common."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting email confirmation")
        CONFIRMED = "confirmed", _("Confirmed, awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")
        # Over a rate limit, caught by a block rule or a bot trap: stored and answered
        # exactly like an honest signature, never counted, until a moderator releases it.
        SUSPECTED = "suspected", _("Suspected fraud")

    COUNTED = (Status.CONFIRMED, Status.APPROVED)
    KIND = ""  # "signature" or "organisation": what tasks and templates call each model
    # Not counted, but a moderator may still count them once the address is confirmed.
    HELD_BACK = (Status.SUSPECTED, Status.SPAM, Status.REJECTED)
    TOKEN_PREFIX = ""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="%(class)ss", verbose_name=_("petition")
    )
    email = models.EmailField(_("email"), max_length=254)
    email_canonical = models.CharField(max_length=254, editable=False)
    country = CountryField(_("country"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    keep_informed = models.BooleanField(_("keep me informed"), default=False)
    consent_version = models.CharField(_("privacy notice version"), max_length=20)
    consented_at = models.DateTimeField(_("consented at"))
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("signed at"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    ip_hash = models.CharField(_("IP hash"), max_length=32, blank=True, db_index=True)
    emails_sent = models.PositiveSmallIntegerField(_("emails sent"), default=0)
    # Why a signature was flagged as suspected fraud: codes of petition.protection.verdict.REASONS.
    suspicion = models.CharField(_("why suspected"), max_length=100, blank=True, editable=False)

    objects = SignerQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # django-countries checks a code by walking its ~250 choices (a millisecond per
        # signature); a known code needs no more than this set lookup.
        if self.country in countries:
            exclude = {*(exclude or ()), "country"}
        super().clean_fields(exclude)

    @staticmethod
    def counts(status):
        return 1 if status in Signer.COUNTED else 0

    @property
    def awaits_confirmation(self):
        """Pending, or suspected and not confirmed yet: a suspected signer is treated alike."""
        return self.status == self.Status.PENDING or (
            self.status == self.Status.SUSPECTED and self.confirmed_at is None
        )

    @property
    def shown_status(self):
        """The status the signer is told of. A suspected signer sees what an honest one would
        (a refusal would tell a flooder which of his tricks work); the model keeps the truth."""
        if self.status == self.Status.SUSPECTED:
            return self.Status.CONFIRMED if self.confirmed_at else self.Status.PENDING
        return self.Status(self.status)

    @classmethod
    def apply_count_changes(cls, changes):
        """Organisations are counted on demand (few rows); only signatures use counters."""

    @staticmethod
    def counted_only_if_confirmed(name):
        """The database's own guard of the invariant every status change keeps."""
        return models.CheckConstraint(
            condition=~Q(status__in=Signer.COUNTED) | Q(confirmed_at__isnull=False), name=name
        )

    # Tokens: signed, timestamped, never stored; the payload is the public uuid.
    def make_token(self, purpose):
        signer = signing.TimestampSigner(salt=f"chorus.{purpose}")
        return signer.sign(f"{self.TOKEN_PREFIX}{self.uuid.hex}")

    @staticmethod
    def token_max_age_days(purpose):
        if purpose == "manage":
            return settings.MANAGE_LINK_MAX_AGE_DAYS
        return settings.CONFIRMATION_MAX_AGE_DAYS

    @staticmethod
    def from_token(token, purpose):
        """Return the Signature or Organisation a token names, or None if invalid or expired."""
        signer = signing.TimestampSigner(salt=f"chorus.{purpose}")
        try:
            value = signer.unsign(token, max_age=Signer.token_max_age_days(purpose) * 24 * 3600)
        except signing.BadSignature:
            return None
        prefix, _, uuid_hex = value.partition(":")
        model = {"s": Signature, "o": Organisation}.get(prefix)
        if model is None:
            return None
        try:
            return model.objects.select_related("petition").get(uuid=uuid_hex)
        except (model.DoesNotExist, ValueError):
            return None

    def confirm(self):
        """Confirm from the emailed link. Idempotent and safe against double clicks."""
        now = timezone.now()
        moved = (
            type(self)
            .objects.filter(pk=self.pk)
            .change_status(
                self.Status.CONFIRMED, moderated=False, now=now, only_from=self.Status.PENDING
            )
        )
        if moved:  # what the row now holds: no need to read it back
            self.status, self.confirmed_at = self.Status.CONFIRMED, now
            return True
        if self.status in self.HELD_BACK:
            # The address is proven, but the signer stays held back (never counted) until a
            # moderator releases or approves it, which needs exactly this proof.
            moved = (
                type(self)
                .objects.filter(pk=self.pk, status__in=self.HELD_BACK, confirmed_at=None)
                .update(confirmed_at=now)
            )
        self.refresh_from_db(fields=["status", "confirmed_at"])
        return bool(moved)

    def withdraw(self):
        """The signer takes the signature back: deleted for good, counters corrected."""
        type(self).objects.filter(pk=self.pk).erase()

    def unsubscribe(self):
        type(self).objects.filter(pk=self.pk).update(keep_informed=False)
        self.keep_informed = False

    PERSONAL_FIELDS = (
        "email", "country", "status", "keep_informed", "consent_version", "consented_at",
        "language", "created_at", "confirmed_at",
    )  # fmt: skip

    def personal_data(self):
        """Everything stored about this signer, for the signer (GDPR Art. 15 and 20)."""
        data = {"petition": self.petition.title, "petition_url": self.petition.get_absolute_url()}
        for name in self.PERSONAL_FIELDS:
            value = self.shown_status.value if name == "status" else getattr(self, name)
            data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        data["ip_address"] = (
            "not stored; a keyed hash of it is kept to detect abuse"
            if self.ip_hash
            else "not stored"
        )
        return data

    def reserve_email(self):
        """Count one more email to this signer; False once the cap is reached."""
        return bool(
            type(self)
            .objects.filter(pk=self.pk, emails_sent__lt=settings.EMAILS_PER_SIGNATURE)
            .update(emails_sent=models.F("emails_sent") + 1)
        )


class SignatureQuerySet(SignerQuerySet):
    def named(self):
        """Signatures whose name may be shown: consented, and allowed by the petition's policy."""
        return self.filter(show_name=True).filter(
            models.Q(status=Signer.Status.APPROVED)
            | models.Q(
                status=Signer.Status.CONFIRMED, petition__moderation=Petition.Moderation.PUBLISH
            )
        )

    def prominent(self):
        return self.named().filter(featured=True).order_by("country", "featured_order", "full_name")

    def recent(self):
        # Counted signatures are confirmed, so confirmed_at is set; plain DESC (not NULLS
        # LAST) is what the partial indexes below can serve, on PostgreSQL and SQLite alike.
        return self.counted().order_by("-confirmed_at", "-pk")


class Signature(Signer):
    KIND = "signature"
    TOKEN_PREFIX = "s:"  # noqa: S105

    full_name = models.CharField(_("full name"), max_length=120)
    city = models.CharField(_("city"), max_length=80, blank=True)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    role = models.CharField(_("role or title"), max_length=120, blank=True)
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    show_name = models.BooleanField(_("show my name publicly"), default=False)
    featured = models.BooleanField(_("prominent"), default=False, db_index=True)
    featured_order = models.PositiveIntegerField(_("order among prominent"), default=0)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "email_canonical"], name="one_signature_per_email"
            ),
            Signer.counted_only_if_confirmed("signature_counted_only_if_confirmed"),
        ]
        # The public lists read counted signatures newest first, for a petition and maybe a
        # country (SignerQuerySet.recent): partial indexes in exactly that order, so that a
        # page is an index range at a million signatures as at a thousand.
        indexes = [
            models.Index(fields=["petition", "status", "-confirmed_at"]),
            models.Index(
                F("petition"), F("confirmed_at").desc(), F("id").desc(),
                condition=Q(status__in=Signer.COUNTED), name="signature_counted_newest",
            ),
            models.Index(
                F("petition"), F("country"), F("confirmed_at").desc(), F("id").desc(),
                condition=Q(status__in=Signer.COUNTED),
                name="signature_counted_country",
            ),
        ]  # fmt: skip
        permissions = [("view_signature_email", _("Can see signers' email addresses"))]

    PERSONAL_FIELDS = (
        "full_name", *Signer.PERSONAL_FIELDS, "city", "organisation", "role", "comment",
        "show_name",
    )  # fmt: skip
    ANONYMISED_FIELDS = {"city": "", "comment": ""}

    def __str__(self):
        return self.full_name

    def hide_name(self):
        """Shown from now on as "someone from <country>", and never among the prominent."""
        type(self).objects.filter(pk=self.pk).update(show_name=False, featured=False)
        self.show_name = self.featured = False

    def show_name_again(self):
        type(self).objects.filter(pk=self.pk).update(show_name=True)
        self.show_name = True

    @classmethod
    def apply_count_changes(cls, changes):
        SignatureCount.add(changes)

    @property
    def shows_name(self):
        if not self.show_name:
            return False
        if self.status == self.Status.APPROVED:
            return True
        return (
            self.status == self.Status.CONFIRMED
            and self.petition.moderation == Petition.Moderation.PUBLISH
        )

    @property
    def credentials(self):
        """ "role, organisation" as shown after a prominent signatory's name."""
        return ", ".join(part for part in (self.role, self.organisation) if part)


class Organisation(Signer):
    KIND = "organisation"
    TOKEN_PREFIX = "o:"  # noqa: S105

    class Kind(models.TextChoices):
        UNION = "union", _("Trade union or union branch")
        PARTY = "party", _("Political party or branch")
        STUDENT = "student", _("Student or youth group")
        NGO = "ngo", _("NGO or charity")
        COMMUNITY = "community", _("Community or campaign group")
        OTHER = "other", _("Other")

    name = models.CharField(_("organisation name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.OTHER)
    website = models.URLField(_("website"), max_length=200, blank=True)
    statement = models.TextField(_("statement"), max_length=1000, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(
                "petition", Lower("name"), "country", name="one_signature_per_organisation"
            ),
            Signer.counted_only_if_confirmed("organisation_counted_only_if_confirmed"),
        ]

    PERSONAL_FIELDS = (
        "name", "kind", "website", "statement", "contact_name", *Signer.PERSONAL_FIELDS,
    )  # fmt: skip
    ANONYMISED_FIELDS = {"contact_name": ""}

    def __str__(self):
        return self.name


SIGNER_MODELS = {model.KIND: model for model in (Signature, Organisation)}
