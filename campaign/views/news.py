# Placeholder: home, updates, update, UpdatesFeed are being written.
from django.http import HttpResponse


def home(request):
    return HttpResponse("")


updates = home


def update(request, slug):
    return HttpResponse("")


def UpdatesFeed():  # noqa: N802
    return home
