from django.urls import path

from lib.http_cache import shared_cache

from .views import actions, cases, news

app_name = "campaign"
urlpatterns = [
    path("", news.home, name="home"),
    path("news/", news.updates, name="updates"),
    path("news/feed/", shared_cache(news.UpdatesFeed()), name="updates_feed"),
    path("news/<slug:slug>/", news.update, name="update"),
    path("actions/", actions.actions, name="actions"),
    path("actions/report/", actions.report_action, name="report_action"),
    path("actions/report/thanks/", actions.report_thanks, name="report_thanks"),
    path("actions/timeline/", actions.timeline, name="timeline"),
    path("actions/map/", actions.action_map, name="action_map"),
    path("actions/<slug:slug>/", actions.action, name="action"),
    path("people/", cases.cases, name="cases"),
]
