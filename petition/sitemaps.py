"""The petition's public pages in /sitemap.xml. The signatory lists are left out: they are for
readers, not for search engines collecting names."""

from django.urls import reverse

from lib.sitemaps import LanguagesSitemap, NamedPagesSitemap

from .models import Petition


class PetitionSitemap(LanguagesSitemap):
    changefreq = "hourly"

    def items(self):
        return Petition.objects.public().order_by("pk")

    def lastmod(self, petition):
        return petition.updated_at


class PetitionPagesSitemap(LanguagesSitemap):
    """Each petition's countries and organisations pages."""

    changefreq = "daily"
    pages = ("petition:countries", "petition:organisations")

    def items(self):
        return [(petition, name) for petition in Petition.objects.public().order_by("pk")
                for name in self.pages]  # fmt: skip

    def location(self, item):
        petition, name = item
        return reverse(name, args=[petition.slug])


class PetitionIndexSitemap(NamedPagesSitemap):
    names = ("petition:index",)


SITEMAPS = {
    "petitions": PetitionSitemap,
    "petition-pages": PetitionPagesSitemap,
    "petition-index": PetitionIndexSitemap,
}
