"""/sitemap.xml: the public pages of both apps, each in every language."""

from django.contrib.sitemaps.views import sitemap

from campaign.sitemaps import SITEMAPS as CAMPAIGN_SITEMAPS
from lib.http_cache import shared_cache
from petition.sitemaps import SITEMAPS as PETITION_SITEMAPS

SITEMAPS = PETITION_SITEMAPS | CAMPAIGN_SITEMAPS


@shared_cache
def sitemap_xml(request):
    # A TemplateResponse: rendered here, so that the page copy can keep it.
    return sitemap(request, sitemaps=SITEMAPS).render()
