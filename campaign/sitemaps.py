"""The campaign's public pages in /sitemap.xml: its lists, each news update and each action."""

from lib.sitemaps import LanguagesSitemap, NamedPagesSitemap

from .models import Action, Update


class CampaignPagesSitemap(NamedPagesSitemap):
    changefreq = "daily"
    names = (
        "campaign:home", "campaign:updates", "campaign:actions", "campaign:timeline",
        "campaign:action_map", "campaign:cases", "campaign:report_action",
    )  # fmt: skip


class UpdateSitemap(LanguagesSitemap):
    def items(self):
        return Update.objects.published().order_by("-publish_at", "pk")

    def lastmod(self, update):
        return update.updated_at


class ActionSitemap(LanguagesSitemap):
    def items(self):
        return Action.objects.public().only("slug", "moderated_at").order_by("pk")

    def lastmod(self, action):
        return action.moderated_at


SITEMAPS = {
    "campaign-pages": CampaignPagesSitemap,
    "updates": UpdateSitemap,
    "actions": ActionSitemap,
}
