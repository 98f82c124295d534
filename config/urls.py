from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = admin.site.site_title = f"{settings.SITE_NAME} moderation"

urlpatterns = [
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("petition.urls")),
]
