"""What every sitemap of Chorus has in common: each page in every language, with its alternates."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps
from django.urls import reverse


class LanguagesSitemap(sitemaps.Sitemap):
    """Each page once per language of LANGUAGES, each entry listing the others (hreflang) and
    the x-default: the path without a language, which goes to the reader's own. Addresses are
    on SITE_URL, never on the request's Host header."""

    i18n = True
    alternates = True
    x_default = True

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class NamedPagesSitemap(LanguagesSitemap):
    """Pages without an object of their own, by URL name."""

    names = ()

    def items(self):
        return list(self.names)

    def location(self, item):
        return reverse(item)
