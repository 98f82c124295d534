from django import forms
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from .models import Entry


class EntryForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = ["name", "email", "country"]


@require_POST
def insert(request):
    form = EntryForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    form.save()
    return HttpResponseRedirect("/page/")


@require_GET
def page(request):
    return render(request, "reference/page.html", {"title": "A petition", "count": 1_000_000})


@require_GET
def count(request):
    return JsonResponse({"total": 1_000_000})
