"""The home page, news updates and their Atom feed.

What the public sees is `Update.objects.published()`: published status and a publish date that
has passed, so scheduled updates appear by themselves, with no job to run. Staff who may edit
updates can preview a draft or scheduled update on its page. Actions and cases shown here come
from their `public()` querysets only, without their private columns.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _

from campaign.actions import public_actions
from campaign.models import Action, Case, Update
from campaign.templatetags.site_url import absolute_url
from lib.http_cache import shared_cache
from lib.markdown import render_markdown
from petition.models import Petition

UPDATES_PER_PAGE = 10
FEED_ENTRIES = 20
HOME_PETITIONS = 3
HOME_UPDATES = 3
HOME_ACTIONS = 6
# Columns a public page never needs: a template reaching for one would cost a query per row,
# which the query-count tests catch.


def published_updates():
    return Update.objects.published().select_related("cover").with_translations()


def can_preview(user):
    return user.is_active and user.is_staff and user.has_perm("campaign.change_update")


def action_totals():
    """{"actions": N, "countries": M} over the public actions, in one query."""
    return Action.objects.public().aggregate(
        actions=Count("pk"), countries=Count("country", distinct=True, filter=~Q(country=""))
    )


def open_petitions():
    now = timezone.now()
    return (
        Petition.objects.filter(status=Petition.Status.OPEN, opens_at__lte=now)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .with_translations()
        .order_by("-opens_at", "pk")
    )


@shared_cache
def home(request):
    petitions = []
    for petition in open_petitions()[:HOME_PETITIONS]:
        counts = petition.counts()
        petitions.append(
            {
                "petition": petition,
                "counts": counts,
                "percent": petition.progress_percent(counts["total"]),
            }
        )
    context = {
        "petitions": petitions,
        "updates": list(published_updates()[:HOME_UPDATES]),
        "actions": list(public_actions()[:HOME_ACTIONS]),
        "action_totals": action_totals(),
        "case_summary": Case.objects.summary(),
    }
    return render(request, "campaign/home.html", context)


@shared_cache
def updates(request):
    paginator = Paginator(published_updates(), UPDATES_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(_("There is no such page of news.")) from error
    context = {
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }
    return render(request, "campaign/news/list.html", context)


@shared_cache
def update(request, slug):
    update = get_object_or_404(
        Update.objects.select_related("cover").with_translations(), slug=slug
    )
    now = timezone.now()
    preview = not update.is_published(now)
    if preview and not can_preview(request.user):
        raise Http404(_("No news update found."))
    published = Update.objects.published(now).with_translations()
    context = {
        "update": update,
        "preview": preview,
        "gallery": list(update.gallery.order_by("created_at", "pk")),
        "petitions": list(update.petitions.public().with_translations().order_by("-opens_at")),
        "newer": published.filter(publish_at__gt=update.publish_at).order_by("publish_at").first(),
        "older": published.filter(publish_at__lt=update.publish_at).order_by("-publish_at").first(),
    }
    response = render(request, "campaign/news/detail.html", context)
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class UpdatesAtomFeed(Atom1Feed):
    """Atom with each update's full text as <content type="html">."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class UpdatesFeed(Feed):
    """The latest published updates as Atom; every link absolute on SITE_URL."""

    feed_type = UpdatesAtomFeed
    item_guid_is_permalink = False

    def title(self):
        return _("News from %(site)s") % {"site": settings.SITE_NAME}

    def subtitle(self):
        return _("The latest news from the campaign.")

    def link(self):
        return absolute_url(reverse("campaign:updates"))

    def feed_url(self):
        return absolute_url(reverse("campaign:updates_feed"))

    def author_name(self):
        return settings.SITE_NAME

    def items(self):
        return published_updates()[:FEED_ENTRIES]

    def item_title(self, item):
        # Plain text: the feed writer escapes it once (Feed's default escapes it twice).
        return item.title

    def item_description(self, item):
        # Atom's <summary type="html"> holds HTML: the plain-text lead, escaped.
        return escape(item.lead)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        """A tag URI that survives a change of slug or title."""
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"tag:{host},{item.created_at:%Y-%m-%d}:news/{item.pk}"

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_extra_kwargs(self, item):
        cover = ""
        if item.cover:
            cover = format_html(
                '<p><img src="{}" alt="{}"></p>',
                absolute_url(item.cover.image.url),
                item.cover.caption,
            )
        return {"content": cover + render_markdown(item.body)}
