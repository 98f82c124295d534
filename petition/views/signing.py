"""Signing, confirming by email, and "I didn't sign this"."""

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from lib.csrf import token_free
from lib.ip import client_ip

from .. import actions
from ..forms import OrganisationForm, SignatureForm
from ..models import Signer
from ..protection.gate import check_before_signing
from ..protection.proof_of_work import new_challenge
from . import get_public_petition

PERSONAL_FIELDS = ("full_name", "email", "city", "organisation", "role", "comment", "contact_name")


# The form is on the petition page, which shared caches keep: no token (lib/csrf.py).
@token_free
@sensitive_post_parameters(*PERSONAL_FIELDS)
@require_http_methods(["GET", "POST"])
def sign(request, slug):
    petition = get_public_petition(slug)
    if request.method == "GET":
        return redirect(petition.get_absolute_url() + "#sign")
    form = SignatureForm(request.POST)
    # A closed petition or bad input: show the form again with what was typed and why.
    if not petition.is_accepting_signatures() or not form.is_valid():
        return render(request, "petition/sign.html", {"petition": petition, "form": form})
    # Paused, or under attack without a valid proof of work: the form again, nothing lost.
    if not check_before_signing(petition, form, request.POST):
        return render(request, "petition/sign.html", {"petition": petition, "form": form})
    actions.sign_petition(petition, form, ip=client_ip(request))
    return redirect("petition:check_email", slug=petition.slug)


@sensitive_post_parameters(*PERSONAL_FIELDS)
@require_http_methods(["GET", "POST"])
def sign_organisation(request, slug):
    petition = get_public_petition(slug)
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and petition.is_accepting_signatures()
        and form.is_valid()
        and check_before_signing(petition, form, request.POST)
    ):
        actions.sign_as_organisation(petition, form, ip=client_ip(request))
        return redirect("petition:check_email", slug=petition.slug)
    return render(request, "petition/sign_organisation.html", {"petition": petition, "form": form})


@never_cache
@require_safe
def proof_of_work_challenge(request):
    """A fresh single-use challenge for the sign forms while under attack (never cached)."""
    return JsonResponse({"challenge": new_challenge()})


@require_http_methods(["GET"])
def check_email(request, slug):
    return render(request, "petition/check_email.html", {"petition": get_public_petition(slug)})


def _email_link_page(request, signer, step, status=200):
    context = {"step": step}
    if signer is not None:
        context |= {"signer": signer, "petition": signer.petition, "kind": signer.KIND}
    return render(request, "petition/email_link.html", context, status=status)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button; only the POST confirms, since mail scanners follow GET links."""
    signer = Signer.from_token(token, "confirm")
    if signer is None:
        return _email_link_page(request, None, "invalid", status=404)
    if request.method == "GET":
        return _email_link_page(request, signer, "confirm")
    if signer.awaits_confirmation and not signer.petition.is_accepting_signatures():
        return _email_link_page(request, signer, "closed", status=410)
    signer.confirm()
    return _email_link_page(request, signer, "confirmed")


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def not_me(request, token):
    """Someone used this address without its owner's consent: delete the pending signature."""
    signer = Signer.from_token(token, "not-me")
    if signer is None:
        return _email_link_page(request, None, "invalid", status=404)
    if request.method == "GET":
        return _email_link_page(request, signer, "not_me")
    if not signer.awaits_confirmation:
        return _email_link_page(request, signer, "too_late", status=409)
    type(signer).objects.filter(pk=signer.pk).erase()
    return _email_link_page(request, signer, "removed")
