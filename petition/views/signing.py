# Placeholder: sign, check_email, sign_organisation, confirm, not_me are being written.
from django.http import HttpResponse


def sign(request, slug):
    return HttpResponse("")


check_email = sign_organisation = sign


def confirm(request, token):
    return HttpResponse("")


not_me = confirm
