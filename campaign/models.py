import uuid

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from parler.fields import TranslationsForeignKey
from parler.managers import TranslatableManager

from lib.content_languages import (
    TranslatedContent,
    TranslatedQuerySet,
    Translation,
    original_language_field,
)
from lib.images import make_safe
from petition.models import Petition


def photo_path(instance, filename):
    # The name was made random by lib.images; only the folder is chosen here.
    return f"photos/{filename}"


class Photo(models.Model):
    """An uploaded image after lib.images made it safe: no metadata, resized, random name."""

    image = models.ImageField(_("photo"), upload_to=photo_path, width_field="width",
                              height_field="height")  # fmt: skip
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption or self.image.name

    @classmethod
    def from_upload(cls, upload, caption=""):
        """Check, clean and store an upload; raises ValidationError for anything refused."""
        return cls.from_safe_image(make_safe(upload), caption)

    @classmethod
    def from_safe_image(cls, safe, caption=""):
        """Store a lib.images.SafeImage as a new Photo: row and files, or neither."""
        photo = cls(caption=caption[:200])
        photo.write_files(safe)
        try:
            photo.save()
        except Exception:
            photo.delete_files()
            raise
        return photo

    def write_files(self, safe):
        """Write a SafeImage's display and thumbnail files (not saved to the database)."""
        written = []
        try:
            for field, content in ((self.image, safe.display), (self.thumbnail, safe.thumbnail)):
                # The storage may leave a partly written file behind (a full disk): note the
                # name first. Names are random, so this is that file, not another's.
                written.append(field.field.generate_filename(self, content.name))
                field.save(content.name, content, save=False)
        except Exception:
            for name in written:
                self.image.storage.delete(name)
            self.delete_files()
            raise

    def delete_files(self):
        for field in (self.image, self.thumbnail):
            if field.name:
                field.storage.delete(field.name)

    def erase(self):
        """Delete the row and the files: erased means gone from the media folder too."""
        with transaction.atomic():
            self.delete()
            transaction.on_commit(self.delete_files)


class UpdateQuerySet(TranslatedQuerySet):
    def published(self, now=None):
        return self.filter(status=Update.Status.PUBLISHED, publish_at__lte=now or timezone.now())


class Update(TranslatedContent):
    """A news update written by the campaign team."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    # title, lead, body: UpdateTranslation, one row a language.
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    original_language = original_language_field()
    cover = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("cover photo"),
    )  # fmt: skip
    gallery = models.ManyToManyField(
        Photo, blank=True, related_name="updates", verbose_name=_("photo gallery")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        help_text=_("A future date publishes the update then."),
    )
    petitions = models.ManyToManyField(
        Petition, blank=True, related_name="updates", verbose_name=_("related petitions")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TranslatableManager.from_queryset(UpdateQuerySet)()

    class Meta:
        ordering = ["-publish_at"]
        verbose_name = _("news update")
        verbose_name_plural = _("news updates")
        indexes = [models.Index(fields=["status", "-publish_at"])]

    def __str__(self):
        return self.text_or_original("title") or self.slug

    def get_absolute_url(self):
        return reverse("campaign:update", args=[self.slug])

    def is_published(self, now=None):
        return self.status == self.Status.PUBLISHED and self.publish_at <= (now or timezone.now())


class UpdateTranslation(Translation):
    master = TranslationsForeignKey(
        Update, on_delete=models.CASCADE, related_name="translations", null=True
    )
    title = models.CharField(_("title"), max_length=200)
    lead = models.TextField(_("lead"), max_length=600)
    body = models.TextField(_("body"), help_text=_("Markdown."))

    class Meta:
        unique_together = [("language_code", "master")]
        verbose_name = _("news update translation")


class ActionQuerySet(TranslatedQuerySet):
    def public(self):
        return self.filter(status=Action.Status.APPROVED)

    def awaiting_moderation(self):
        return self.filter(status=Action.Status.PENDING)


class Action(TranslatedContent):
    """Something done somewhere in solidarity: a picket, a motion, a photo, a letter…"""

    class Kind(models.TextChoices):
        PICKET = "picket", _("Picket or demonstration")
        PHOTO = "photo", _("Solidarity photo")
        STATEMENT = "statement", _("Message or statement")
        MOTION = "motion", _("Motion passed")
        LETTER = "letter", _("Letter to officials")
        VIDEO = "video", _("Video message")
        SPEECH = "speech", _("Intervention at a rally or meeting")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=100, unique=True, editable=False)
    kind = models.CharField(_("kind of action"), max_length=12, choices=Kind)
    # title, description, statement: ActionTranslation, one row a language; the rest (who,
    # where, when) is the same in every language.
    original_language = original_language_field()
    organiser = models.CharField(
        _("who did it"), max_length=200, help_text=_("An organisation or group, or a person.")
    )
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    date = models.DateField(_("date"))
    place = models.CharField(
        _("place or target"),
        max_length=200,
        blank=True,
        help_text=_('e.g. "the consulate", "the Ministry of Labour"'),
    )
    photos = models.ManyToManyField(
        Photo, blank=True, related_name="actions", verbose_name=_("photos")
    )
    video_url = models.URLField(_("video link"), blank=True)
    source_url = models.URLField(_("source link"), blank=True)
    petition = models.ForeignKey(
        Petition, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions",
        verbose_name=_("petition"),
    )  # fmt: skip
    contact_email = models.EmailField(
        _("contact email"), blank=True, help_text=_("Private: only the campaign team sees it.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    ip_hash = models.CharField(_("IP hash"), max_length=32, blank=True)

    objects = TranslatableManager.from_queryset(ActionQuerySet)()

    class Meta:
        ordering = ["-date", "-submitted_at"]
        verbose_name = _("solidarity action")
        verbose_name_plural = _("solidarity actions")
        indexes = [
            models.Index(fields=["status", "-date"]),
            models.Index(fields=["status", "country", "-date"]),
        ]

    def __str__(self):
        return self.text_or_original("title") or self.slug

    def get_absolute_url(self):
        return reverse("campaign:action", args=[self.slug])

    def assign_slug(self):
        """A readable, unguessable slug: the title plus a few random characters."""
        base = slugify(self.title)[:80].strip("-") or "action"
        self.slug = f"{base}-{self.uuid.hex[:8]}"


class ActionTranslation(Translation):
    master = TranslationsForeignKey(
        Action, on_delete=models.CASCADE, related_name="translations", null=True
    )
    title = models.CharField(_("what happened, in a few words"), max_length=150)
    description = models.TextField(_("description"), max_length=3000)
    statement = models.TextField(
        _("statement"),
        max_length=6000,
        blank=True,
        help_text=_("The text of a motion, letter or message, quoted as it was passed or sent."),
    )

    class Meta:
        unique_together = [("language_code", "master")]
        verbose_name = _("solidarity action translation")


class CaseQuerySet(TranslatedQuerySet):
    def public(self):
        return self.filter(is_public=True)

    def for_petition(self, petition):
        """The cases linked to `petition` if any are, otherwise every public case (a campaign
        with one petition rarely links them)."""
        linked = self.public().filter(petitions=petition).values("pk")
        return self.filter(models.Q(pk__in=linked) | ~models.Exists(linked))

    def summary(self):
        """[(status, label, count)] over public cases, in the order of Case.Status."""
        counts = dict(self.public().values_list("status").annotate(n=models.Count("pk")).order_by())
        return [
            (status, label, counts[status]) for status, label in Case.Status.choices
            if counts.get(status)
        ]  # fmt: skip


class Case(TranslatedContent):
    """A person the campaign is for: a detainee, a prisoner, someone disappeared."""

    class Status(models.TextChoices):
        MISSING = "missing", _("Missing")
        DETAINED = "detained", _("Detained")
        CHARGED = "charged", _("Charged")
        SENTENCED = "sentenced", _("Sentenced")
        RELEASED = "released", _("Released")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("photo"),
    )  # fmt: skip
    # biography: CaseTranslation, one row a language; the name is the same in every one.
    original_language = original_language_field()
    status = models.CharField(
        _("current status"), max_length=10, choices=Status, default=Status.DETAINED, editable=False
    )
    status_since = models.DateField(_("since"), null=True, blank=True, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_public = models.BooleanField(_("shown publicly"), default=True)
    petitions = models.ManyToManyField(
        Petition, blank=True, related_name="cases", verbose_name=_("related petitions")
    )

    objects = TranslatableManager.from_queryset(CaseQuerySet)()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("person we campaign for")
        verbose_name_plural = _("people we campaign for")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaign:cases") + f"#{self.slug}"

    def change_status(self, status, date, note="", user=None, language=None):
        """Record a dated status change; the latest by date is the current status. Its note
        is written in `language` (the case's original language unless said)."""
        with transaction.atomic():
            change = self.history.create(
                status=status, date=date, note=note, recorded_by=user,
                original_language=language or self.original_language,
            )  # fmt: skip
            self.refresh_status()
        return change

    def refresh_status(self):
        latest = self.history.order_by("-date", "-pk").first()
        self.status = latest.status if latest else self.Status.DETAINED
        self.status_since = latest.date if latest else None
        type(self).objects.filter(pk=self.pk).update(
            status=self.status, status_since=self.status_since
        )


class CaseTranslation(Translation):
    master = TranslationsForeignKey(
        Case, on_delete=models.CASCADE, related_name="translations", null=True
    )
    biography = models.TextField(_("short biography"), blank=True, help_text=_("Markdown."))

    class Meta:
        unique_together = [("language_code", "master")]
        verbose_name = _("person translation")


class CaseStatusChange(TranslatedContent):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=10, choices=Case.Status)
    date = models.DateField(_("date"), default=timezone.localdate)
    # note: CaseStatusChangeTranslation, one row a language.
    original_language = original_language_field()
    recorded_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, editable=False,
        related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    objects = TranslatableManager.from_queryset(TranslatedQuerySet)()

    def __str__(self):
        return f"{self.case}: {self.get_status_display()} ({self.date})"


class CaseStatusChangeTranslation(Translation):
    master = TranslationsForeignKey(
        CaseStatusChange, on_delete=models.CASCADE, related_name="translations", null=True
    )
    note = models.TextField(_("public note"), max_length=1000, blank=True)

    class Meta:
        unique_together = [("language_code", "master")]
        verbose_name = _("status change translation")
