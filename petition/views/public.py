"""The public pages of a petition.

Anyone may read these pages, and signers may be activists at risk, so they only ever load and show
what a signer agreed to make public: never an email address, an IP hash or an organisation's
contact. Every number comes from the counter table (`Petition.counts()`, cached a few seconds;
the live counter counts it afresh), never from a COUNT(*) over signatures.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage, Page
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_countries.fields import Country

from lib.countries import country_choices, country_from_query, group_by_country, most_first
from lib.http_cache import shared_cache
from lib.pagination import KnownCountPaginator
from lib.rate_limit import rate_limited

from ..forms import SignatureForm
from ..models import Petition
from . import get_public_petition

SIGNATURES_PER_PAGE = 50
RECENT_SIGNERS = 10
ORGANISATIONS_ON_DETAIL = 60
COUNT_JSON_FIELDS = ("total", "organisations", "countries", "goal")

# The only columns the public pages load: private ones (email, ip_hash, contact_name…) are not
# even fetched. A template reaching for one would cost a query per row, which the query-count
# tests in tests/petition/test_public*.py would catch.
PUBLIC_SIGNATURE_FIELDS = (
    "pk",
    "uuid",  # the signatory list's "next" links name the last row shown
    "petition_id",
    "full_name",
    "country",
    "city",
    "organisation",
    "role",
    "show_name",
    "status",
    "confirmed_at",
    "featured_order",
)
PUBLIC_ORGANISATION_FIELDS = (
    "pk",
    "petition_id",
    "name",
    "kind",
    "country",
    "website",
    "statement",
)


def public_signatures(petition):
    # Through the related manager, each row knows its petition without a query (`shows_name`).
    return petition.signatures.only(*PUBLIC_SIGNATURE_FIELDS)


def approved_organisations(petition):
    return petition.organisations.approved().only(*PUBLIC_ORGANISATION_FIELDS)


def signing_state(petition):
    now = timezone.now()
    if petition.is_accepting_signatures(now):
        return "paused" if petition.signing_paused else "open"
    if petition.status == Petition.Status.OPEN and petition.opens_at > now:
        return "not_yet_open"
    return "closed"


@shared_cache
def index(request):
    petitions = (
        Petition.objects.public()
        .with_translations()
        .annotate(
            open_first=Case(
                When(status=Petition.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "-opens_at", "pk")
    )
    entries = []
    for petition in petitions:
        counts = petition.counts()
        entries.append(
            {
                "petition": petition,
                "counts": counts,
                "percent": petition.progress_percent(counts["total"]),
            }
        )
    return render(request, "petition/index.html", {"entries": entries})


@shared_cache
def detail(request, slug):
    petition = get_public_petition(slug)
    counts = petition.counts()
    state = signing_state(petition)
    signatures = public_signatures(petition)
    organisations = list(approved_organisations(petition)[:ORGANISATIONS_ON_DETAIL])
    context = {
        "petition": petition,
        "counts": counts,
        "percent": petition.progress_percent(counts["total"]),
        "signing_state": state,
        "form": SignatureForm() if state == "open" else None,
        "prominent_groups": group_by_country(signatures.prominent()),
        "recent_signers": list(signatures.recent()[:RECENT_SIGNERS]),
        "organisation_groups": group_by_country(organisations),
        "more_organisations": max(0, counts["organisations"] - len(organisations)),
    }
    return render(request, "petition/detail.html", context)


# Harvesting: fixed page size, no sequential ids in URLs, and a rate limit per network.
@rate_limited("signatory-list", limit_setting="SIGNATORY_LIST_RATE_LIMIT")
@shared_cache(edge=False)
def signatures(request, slug):
    petition = get_public_petition(slug)
    counts = petition.counts()
    by_country = counts["by_country"]
    queryset = public_signatures(petition).recent()
    total = counts["total"]

    country = country_from_query(request.GET)
    if country:
        queryset = queryset.filter(country=country.code)
        total = by_country.get(country.code, 0)

    # The page size is ours alone: any page-size parameter in the URL is ignored.
    paginator = KnownCountPaginator(queryset, SIGNATURES_PER_PAGE, count=total)
    try:
        page = following_page(paginator, queryset, request.GET)
    except InvalidPage as error:
        raise Http404(_("There is no such page of signatures.")) from error

    context = {
        "petition": petition,
        "counts": counts,
        "country": country,
        "country_choices": country_choices(by_country),
        "total": total,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "next_after": page.object_list[-1].uuid if page.has_next() and page.object_list else None,
    }
    return render(request, "petition/signatures.html", context)


def following_page(paginator, queryset, query):
    """The page asked for. "Next" links carry `after`, the last signature of the page before
    (a random UUID, not a sequential id): the page is then the index range after it, as
    quick on page 5,000 as on page 1. A page number alone, or an `after` that no longer
    names a listed signature, is found by counting rows (OFFSET), slower the deeper it is."""
    number = paginator.validate_number(query.get("page") or 1)
    after = query.get("after", "")
    if number > 1 and after:
        try:
            anchor = queryset.filter(uuid=after).values_list("confirmed_at", "pk").first()
        except ValidationError:
            anchor = None
        if anchor is not None:
            confirmed_at, pk = anchor
            rows = queryset.filter(confirmed_at__lte=confirmed_at).exclude(
                confirmed_at=confirmed_at, pk__gte=pk
            )[: paginator.per_page]
            return Page(list(rows), number, paginator)
    page = paginator.page(number)
    page.object_list = list(page.object_list)
    return page


@shared_cache
def countries(request, slug):
    petition = get_public_petition(slug)
    counts = petition.counts()
    organisations_by_country = dict(
        petition.organisations.approved()
        .order_by()
        .values_list("country")
        .annotate(n=Count("pk"))
        .values_list("country", "n")
    )
    codes = set(counts["by_country"]) | set(organisations_by_country)
    rows = [
        {
            "country": Country(code),
            "signatures": counts["by_country"].get(code, 0),
            "organisations": organisations_by_country.get(code, 0),
        }
        for code in codes
    ]
    rows = most_first(rows, lambda row: (row["signatures"], row["organisations"]))
    context = {"petition": petition, "counts": counts, "rows": rows}
    return render(request, "petition/countries.html", context)


@rate_limited("signatory-list", limit_setting="SIGNATORY_LIST_RATE_LIMIT")
@shared_cache(edge=False)
def organisations(request, slug):
    petition = get_public_petition(slug)
    counts = petition.counts()
    context = {
        "petition": petition,
        "counts": counts,
        "signing_state": signing_state(petition),
        "organisation_groups": group_by_country(approved_organisations(petition)),
    }
    return render(request, "petition/organisations.html", context)


@require_GET
@shared_cache(stale_if_error=False)
def count_json(request, slug):
    """The live counter's figures, kept before Django like the pages (lib/edge_cache.py).
    Counted afresh rather than read from counts()' cache, so that what the counter shows is at
    most PUBLIC_CACHE_SECONDS old; and not shown a day old while the server is down (no
    stale-if-error)."""
    if len(slug) > Petition._meta.get_field("slug").max_length:
        raise Http404
    counts = get_public_petition(slug).compute_counts()
    return JsonResponse({field: counts[field] for field in COUNT_JSON_FIELDS})
