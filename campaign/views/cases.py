# Placeholder: cases is being written.
from django.http import HttpResponse


def cases(request):
    return HttpResponse("")
