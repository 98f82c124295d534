from django.urls import path

from .views import manage, public, signing

app_name = "petition"
urlpatterns = [
    path("petitions/", public.index, name="index"),
    path("p/<slug:slug>/", public.detail, name="detail"),
    path("p/<slug:slug>/signatures/", public.signatures, name="signatures"),
    path("p/<slug:slug>/countries/", public.countries, name="countries"),
    path("p/<slug:slug>/organisations/", public.organisations, name="organisations"),
    path("p/<slug:slug>/count.json", public.count_json, name="count"),
    path("p/<slug:slug>/sign/", signing.sign, name="sign"),
    path("p/<slug:slug>/thanks/", signing.check_email, name="check_email"),
    path(
        "p/<slug:slug>/organisations/sign/",
        signing.sign_organisation,
        name="sign_organisation",
    ),
    path("proof-of-work/challenge.json", signing.proof_of_work_challenge, name="challenge"),
    path("confirm/<str:token>/", signing.confirm, name="confirm"),
    path("not-me/<str:token>/", signing.not_me, name="not_me"),
    path("manage/<str:token>/", manage.manage, name="manage"),
    path("manage/<str:token>/data.json", manage.download, name="manage_data"),
    path("unsubscribe/<str:token>/", manage.unsubscribe, name="unsubscribe"),
]
