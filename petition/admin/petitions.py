"""Petitions in the back office: their figures, what waits for review, and the recount."""

from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from lib.translations_admin import NeedsTranslationFilter, TranslatedAdmin

from .. import moderation
from ..models import Organisation, Petition, Signature, SignatureCount, Signer


def _review_count(model):
    return Coalesce(
        Subquery(
            model.objects.filter(petition=OuterRef("pk"), status=Signer.Status.CONFIRMED)
            .order_by()
            .values("petition")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


@admin.register(Petition)
class PetitionAdmin(TranslatedAdmin):
    list_display = [
        "title", "translations_column", "status", "moderation", "opens_at", "closes_at",
        "total", "to_review",
    ]  # fmt: skip
    list_filter = ["status", "moderation", NeedsTranslationFilter]
    search_fields = ["translations__title", "slug"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["recount"]

    def get_prepopulated_fields(self, request, obj=None):
        # Parler's way for a translated field (the class attribute fails the admin's checks).
        return {"slug": ["title"]}

    def get_queryset(self, request):
        # Totals straight from the counter table (the same sum counts() caches), and the
        # review queues, in the changelist's one query rather than a few per petition.
        counted = (
            SignatureCount.objects.filter(petition=OuterRef("pk"))
            .order_by()
            .values("petition")
            .annotate(n=Sum("signatures"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                counted_total=Coalesce(Subquery(counted), 0),
                signatures_waiting=_review_count(Signature),
                organisations_waiting=_review_count(Organisation),
            )
        )

    @admin.display(description=_("signatures (goal)"), ordering="counted_total")
    def total(self, obj):
        return _("%(total)d of %(goal)d (%(percent)d%%)") % {
            "total": obj.counted_total,
            "goal": obj.goal,
            "percent": obj.progress_percent(obj.counted_total),
        }

    @admin.display(description=_("awaiting review"))
    def to_review(self, obj):
        """Links to the petition's review queues, e.g. "3 signatures, 1 organisation"."""
        query = urlencode({"petition__id__exact": obj.pk, "queue": "review"})
        queues = [(Signature, obj.signatures_waiting), (Organisation, obj.organisations_waiting)]
        links = []
        for model, count in queues:
            url = reverse(f"admin:petition_{model._meta.model_name}_changelist")
            links.append((url, query, count, model_ngettext(model, count)))
        return format_html_join(", ", '<a href="{}?{}">{} {}</a>', links)

    @admin.action(permissions=["change"], description=_("Recount signatures"))
    def recount(self, request, queryset):
        drifted = moderation.recount(queryset, request.user)
        for petition in drifted:
            self.message_user(
                request,
                _("The counters of “%(title)s” had drifted; they have been recounted.")
                % {"title": petition.title},
                messages.WARNING,
            )
        exact = len(queryset) - len(drifted)
        if exact:
            self.message_user(
                request,
                ngettext_lazy(
                    "The counters of %(count)d petition were exact.",
                    "The counters of %(count)d petitions were exact.",
                    "count",
                )
                % {"count": exact},
                messages.SUCCESS,
            )
