"""A petition: its text, its dates and moderation policy, and its public figures."""

from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from parler.fields import TranslationsForeignKey
from parler.managers import TranslatableManager

from lib.content_languages import (
    TranslatedContent,
    TranslatedQuerySet,
    Translation,
    original_language_field,
)

from .protection import Protection


class PetitionQuerySet(TranslatedQuerySet):
    def public(self):
        """Petitions the public may read: open or closed, never drafts."""
        return self.exclude(status=Petition.Status.DRAFT)


class Petition(TranslatedContent):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Moderation(models.TextChoices):
        PUBLISH = "publish", _("Publish confirmed signers' names at once")
        APPROVE = "approve", _("Hold every name for a moderator's approval")

    # title, lead, demands, addressee: PetitionTranslation, one row a language.
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    original_language = original_language_field()
    goal = models.PositiveIntegerField(_("signature goal"), default=1000)
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    moderation = models.CharField(
        _("moderation policy"), max_length=10, choices=Moderation, default=Moderation.PUBLISH
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TranslatableManager.from_queryset(PetitionQuerySet)()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")

    def __str__(self):
        return self.text_or_original("title") or self.slug

    def get_absolute_url(self):
        return reverse("petition:detail", args=[self.slug])

    def is_accepting_signatures(self, now=None):
        now = now or timezone.now()
        return (
            self.status == self.Status.OPEN
            and self.opens_at <= now
            and (self.closes_at is None or now < self.closes_at)
        )

    # The site-wide switches, from the protection row cached for a few seconds: read once
    # per loaded petition, never a query of their own on the busiest pages.
    @cached_property
    def protection(self):
        return Protection.current()

    @property
    def signing_paused(self):
        return self.protection.signing_paused

    @property
    def under_attack(self):
        return self.protection.under_attack

    def counts_cache_key(self):
        return f"petition:{self.pk}:counts"

    def counts(self):
        """Public figures, read from the counter table and cached for a few seconds.

        Never a COUNT(*) over signatures: the counter table has at most
        countries × shards rows per petition.
        """
        key = self.counts_cache_key()
        result = cache.get(key)
        if result is None:
            result = self.compute_counts()
            cache.set(key, result, settings.COUNT_CACHE_SECONDS)
        return result

    def compute_counts(self):
        by_country = dict(
            self.signaturecount_set.values_list("country")
            .annotate(n=models.Sum("signatures"))
            .filter(n__gt=0)
            .order_by("-n", "country")
            .values_list("country", "n")
        )
        organisations = self.organisations.approved()
        org_countries = set(organisations.values_list("country", flat=True))
        return {
            "total": sum(by_country.values()),
            "organisations": organisations.count(),
            "countries": len(set(by_country) | org_countries),
            "goal": self.goal,
            "by_country": by_country,
        }

    def progress_percent(self, total):
        if not self.goal:
            return 100
        return min(100, int(total * 100 / self.goal))


class PetitionTranslation(Translation):
    master = TranslationsForeignKey(
        Petition, on_delete=models.CASCADE, related_name="translations", null=True
    )
    title = models.CharField(_("title"), max_length=200)
    lead = models.TextField(_("lead"), help_text=_("One or two sentences shown at the top."))
    demands = models.TextField(_("demands"), help_text=_("Markdown."))
    addressee = models.CharField(
        _("addressee"), max_length=200, help_text=_('e.g. "the Government of Pakistan"')
    )

    class Meta:
        unique_together = [("language_code", "master")]
        verbose_name = _("petition translation")
