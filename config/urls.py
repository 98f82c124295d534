from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from config.sitemaps import sitemap_xml
from lib import site_files
from lib.media import serve_media

handler500 = "lib.error_pages.server_error"

admin.site.site_header = admin.site.site_title = format_lazy(
    _("{site_name} moderation"), site_name=settings.SITE_NAME
)

urlpatterns = [
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
    path("favicon.ico", site_files.favicon),
    path("robots.txt", site_files.robots_txt),
    path(".well-known/security.txt", site_files.security_txt, name="security_txt"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    # The admin's language menu (templates/admin/_language_form.html): the back office has no
    # language in its paths, so a moderator's choice is kept in the language cookie.
    path("i18n/setlang/", set_language, name="set_language"),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
]
# Every public page lives under its language (/es/p/<slug>/): a link says what language it is
# in, so a campaign can share one per language, and the page copies key on the path. A path
# without one is sent to the reader's language (the browser's, or LANGUAGE_CODE).
urlpatterns += i18n_patterns(
    path("", include("petition.urls")),
    path("", include("campaign.urls")),
)
