from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from lib import site_files
from lib.csrf import token_free
from lib.media import serve_media

handler500 = "lib.error_pages.server_error"

admin.site.site_header = admin.site.site_title = f"{settings.SITE_NAME} moderation"

urlpatterns = [
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
    path("favicon.ico", site_files.favicon),
    path("robots.txt", site_files.robots_txt),
    path(".well-known/security.txt", site_files.security_txt, name="security_txt"),
    # The language menu is on every page, shared caches included: no token (lib/csrf.py).
    path("i18n/setlang/", token_free(set_language), name="set_language"),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
    path("", include("petition.urls")),
    path("", include("campaign.urls")),
]
