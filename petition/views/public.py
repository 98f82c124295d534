# Placeholder: the public pages are being written (index, detail, signatures, countries,
# organisations, count_json).
from django.http import HttpResponse


def index(request):
    return HttpResponse("")


def detail(request, slug):
    return HttpResponse("")


signatures = countries = organisations = count_json = detail
