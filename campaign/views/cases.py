"""The people we campaign for: who they are, their status, and what happened to them.

Only cases marked public are shown, with their public notes; who recorded a status change
(a moderator) never appears.
"""

from html import unescape

from django.db.models import Prefetch
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from campaign.models import Case, CaseStatusChange
from lib.http_cache import shared_cache

PUBLIC_HISTORY_FIELDS = ("pk", "case_id", "status", "date", "original_language")


def summary_text(case_summary):
    """The summary as plain text ("3 still detained, 4 released"), for a page description."""
    html = render_to_string("campaign/cases/_summary.html#phrases", {"case_summary": case_summary})
    return " ".join(unescape(strip_tags(html)).split())


@shared_cache
def cases(request):
    history = (
        CaseStatusChange.objects.only(*PUBLIC_HISTORY_FIELDS)
        .order_by("-date", "-pk")
        .with_translations()
    )
    people = list(
        Case.objects.public()
        .with_translations()
        .select_related("photo")
        .prefetch_related(Prefetch("history", queryset=history))
    )
    case_summary = Case.objects.summary()
    pictured = next((case for case in people if case.photo), None)
    context = {
        "cases": people,
        "case_summary": case_summary,
        "og_title": _("The people we campaign for"),
        "og_description": summary_text(case_summary),
        "og_image": pictured.photo.image.url if pictured else "",
        "og_image_alt": pictured.name if pictured else "",
    }
    return render(request, "campaign/cases/index.html", context)
