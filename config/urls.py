from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lib import site_files
from lib.media import serve_media

admin.site.site_header = admin.site.site_title = f"{settings.SITE_NAME} moderation"

urlpatterns = [
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
    path("favicon.ico", site_files.favicon),
    path("robots.txt", site_files.robots_txt),
    path("i18n/", include("django.conf.urls.i18n")),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
    path("", include("petition.urls")),
    path("", include("campaign.urls")),
]
