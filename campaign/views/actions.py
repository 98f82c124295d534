# Placeholder: the views for solidarity actions are being written.
from django.http import HttpResponse


def actions(request):
    return HttpResponse("")


report_action = report_thanks = timeline = action_map = actions


def action(request, slug):
    return HttpResponse("")
