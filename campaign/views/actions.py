"""Solidarity actions: the public list, one action, the timeline, the world map, the report form.

Public pages show approved actions only and load only their public columns (see
campaign.actions.CARD_FIELDS / DETAIL_FIELDS): the reporter's contact email and IP hash are
never even fetched.
"""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_countries.fields import Country

from lib.countries import country_choices, country_from_query, most_first
from lib.http_cache import shared_cache
from lib.ip import client_ip
from lib.pagination import KnownCountPaginator
from lib.rate_limit import rate_limited
from petition.models import Petition

from .. import actions as campaign_actions
from ..forms import ActionReportForm
from ..models import Action
from ..world_map import LEVEL_THRESHOLDS, level, world_map

ACTIONS_PER_PAGE = 20
OG_DESCRIPTION = gettext_lazy(
    "Pickets, motions, photos, letters and messages of solidarity from around the world."
)
TIMELINE_PER_PAGE = 100
PRIVATE_FIELDS = ("contact_email",)


def _page(request, queryset, per_page, count=None):
    """The requested page; `count`, when known from the counts per country, saves a COUNT(*)."""
    if count is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = KnownCountPaginator(queryset, per_page, count=count)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(_("There is no such page.")) from error
    return paginator, page


def _stats(by_country):
    """The figures of "N actions in M countries", from the counts per country."""
    return {"total": sum(by_country.values()), "countries": len(by_country)}


def country_rows(by_country):
    """[{country, count, url}] with the most actions first, then by name."""
    base = reverse("campaign:actions")
    rows = [
        {"country": Country(code), "count": n, "url": f"{base}?{urlencode({'country': code})}"}
        for code, n in by_country.items()
    ]
    return most_first(rows, lambda row: row["count"])


def map_context(by_country):
    """What templates/campaign/actions/_map.html draws: every country, linked where acted."""
    base = reverse("campaign:actions")
    shapes, acted = [], []
    for shape in world_map().shapes:
        code = shape.code.split("-")[0].upper()
        count = by_country.get(code, 0)
        if not count:
            shapes.append(shape)
            continue
        acted.append(
            {
                "shape": shape,
                "code": code,
                "name": Country(code).name,
                "count": count,
                "level": level(count),
                "url": f"{base}?{urlencode({'country': code})}",
            }
        )
    return {
        "viewbox": world_map().viewbox,
        "quiet_shapes": shapes,
        "acted": acted,
        "legend": legend(),
    }


def legend():
    """[(level, low, high)] for the map's key; high is None for the open-ended last bucket."""
    bounds = [*LEVEL_THRESHOLDS, None]
    return [
        (index + 1, low, None if high is None else high - 1)
        for index, (low, high) in enumerate(zip(bounds, bounds[1:], strict=False))
    ]


@require_GET
@shared_cache
def actions(request):
    by_country = campaign_actions.counts_by_country()
    queryset = campaign_actions.public_actions()

    country = country_from_query(request.GET)
    if country:
        queryset = queryset.filter(country=country.code)

    kind = request.GET.get("kind", "").strip()
    if kind:
        if kind not in Action.Kind.values:
            raise Http404(_("Unknown kind of action."))
        queryset = queryset.filter(kind=kind)

    known = (
        None if kind else by_country.get(country.code, 0) if country else sum(by_country.values())
    )
    paginator, page = _page(request, queryset, ACTIONS_PER_PAGE, count=known)
    filtered = bool(country or kind)
    context = {
        "stats": _stats(by_country),
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filtered_count": paginator.count,
        "country": country,
        "kind": kind,
        "kind_label": Action.Kind(kind).label if kind else "",
        "country_choices": country_choices(by_country),
        "kind_choices": Action.Kind.choices,
        # The small map only where it helps: the first page of the unfiltered list.
        "map": map_context(by_country) if not filtered and page.number == 1 else None,
        "og_title": _("Solidarity actions around the world"),
        "og_description": OG_DESCRIPTION,
    }
    return render(request, "campaign/actions/list.html", context)


@require_GET
@shared_cache
def action(request, slug):
    queryset = (
        Action.objects.public()
        .only(*campaign_actions.DETAIL_FIELDS)
        .with_translations()
        .prefetch_related(campaign_actions.photos_in_order())
    )
    action = get_object_or_404(queryset, slug=slug)
    photos = list(action.photos.all())
    petition = None
    if action.petition_id:
        petition = (
            Petition.objects.public().with_translations().filter(pk=action.petition_id).first()
        )
    cover = photos[0] if photos else None
    context = {
        "action": action,
        "photos": photos,
        "petition": petition,
        "og_title": action.title,
        "og_description": action.description,
        "og_type": "article",
        "og_image": cover.image.url if cover else "",
        "og_image_width": cover.width if cover else "",
        "og_image_height": cover.height if cover else "",
        "og_image_alt": cover.caption if cover else "",
    }
    return render(request, "campaign/actions/detail.html", context)


@require_GET
@shared_cache
def timeline(request):
    by_country = campaign_actions.counts_by_country()
    queryset = Action.objects.public().only(*campaign_actions.CARD_FIELDS).with_translations()
    queryset = queryset.order_by("-date", "-submitted_at", "-pk")
    paginator, page = _page(request, queryset, TIMELINE_PER_PAGE, sum(by_country.values()))
    context = {
        "stats": _stats(by_country),
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "og_title": _("Timeline of solidarity actions"),
        "og_description": OG_DESCRIPTION,
    }
    return render(request, "campaign/actions/timeline.html", context)


@require_GET
@shared_cache
def action_map(request):
    """The world map of actions; `?format=json` gives its data: counts per country."""
    by_country = campaign_actions.counts_by_country()
    if request.GET.get("format") == "json":
        return JsonResponse({**_stats(by_country), "by_country": dict(sorted(by_country.items()))})
    context = {
        "stats": _stats(by_country),
        "map": map_context(by_country),
        "rows": country_rows(by_country),
        "og_title": _("Map of solidarity actions"),
        "og_description": OG_DESCRIPTION,
    }
    return render(request, "campaign/actions/map.html", context)


@sensitive_post_parameters(*PRIVATE_FIELDS)
@require_http_methods(["GET", "POST"])
@rate_limited(
    "report-action", limit_setting="REPORT_ACTION_RATE_LIMIT", window=3600, methods={"POST"}
)
def report_action(request):
    if request.method == "POST":
        form = ActionReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                campaign_actions.report_action(form, ip=client_ip(request))
            except OSError:
                # The store refused a file (disk full, object store down): nothing was kept.
                form.add_error(
                    None,
                    _("We could not store your report just now. Please try again in a while."),
                )
            else:
                return redirect("campaign:report_thanks")
    else:
        form = ActionReportForm()
    context = {
        "form": form,
        "photos_dropped": request.method == "POST" and bool(request.FILES.getlist("photos")),
        "og_title": _("Report your solidarity action"),
    }
    return render(request, "campaign/actions/report.html", context)


@require_GET
def report_thanks(request):
    return render(request, "campaign/actions/report_thanks.html")
