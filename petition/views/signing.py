"""Signing, confirming by email, and "I didn't sign this"."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from lib.csrf import token_free
from lib.ip import client_ip

from .. import actions, protection
from ..forms import OrganisationForm, SignatureForm
from ..models import Petition, Protection, Signer

PERSONAL_FIELDS = ("full_name", "email", "city", "organisation", "role", "comment", "contact_name")


def _open_petition(slug):
    """The petition and the site-wide switches, as PetitionQuerySet.with_protection gives
    them, but the switches from the cached protection row: its two subqueries made the
    petition's query cost more than the signature's insert, on the busiest write."""
    petition = get_object_or_404(Petition.objects.public(), slug=slug)
    protection = Protection.current()
    petition.signing_paused = protection.signing_paused
    petition.under_attack = protection.under_attack
    return petition


# The form is on the petition page, which shared caches keep: no token (lib/csrf.py).
@token_free
@sensitive_post_parameters(*PERSONAL_FIELDS)
@require_http_methods(["GET", "POST"])
def sign(request, slug):
    petition = _open_petition(slug)
    if request.method == "GET":
        return redirect(petition.get_absolute_url() + "#sign")
    form = SignatureForm(request.POST)
    # A closed petition or bad input: show the form again with what was typed and why.
    if not petition.is_accepting_signatures() or not form.is_valid():
        return render(request, "petition/sign.html", {"petition": petition, "form": form})
    # Paused, or under attack without a valid proof of work: the form again, nothing lost.
    if not protection.check_before_signing(petition, form, request.POST):
        return render(request, "petition/sign.html", {"petition": petition, "form": form})
    actions.sign_petition(petition, form, ip=client_ip(request))
    return redirect("petition:check_email", slug=petition.slug)


@sensitive_post_parameters(*PERSONAL_FIELDS)
@require_http_methods(["GET", "POST"])
def sign_organisation(request, slug):
    petition = _open_petition(slug)
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and petition.is_accepting_signatures()
        and form.is_valid()
        and protection.check_before_signing(petition, form, request.POST)
    ):
        actions.sign_as_organisation(petition, form, ip=client_ip(request))
        return redirect("petition:check_email", slug=petition.slug)
    return render(request, "petition/sign_organisation.html", {"petition": petition, "form": form})


@never_cache
@require_safe
def proof_of_work_challenge(request):
    """A fresh single-use challenge for the sign forms while under attack (never cached)."""
    return JsonResponse({"challenge": protection.new_challenge()})


@require_http_methods(["GET"])
def check_email(request, slug):
    return render(request, "petition/check_email.html", {"petition": _open_petition(slug)})


def _email_link_page(request, signer, step, status=200):
    context = {"step": step}
    if signer is not None:
        context |= {"signer": signer, "petition": signer.petition, "kind": actions.kind_of(signer)}
    return render(request, "petition/email_link.html", context, status=status)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button; only the POST confirms, since mail scanners follow GET links."""
    signer = Signer.from_token(token, "confirm")
    if signer is None:
        return _email_link_page(request, None, "invalid", status=404)
    if request.method == "GET":
        return _email_link_page(request, protection.as_seen_by_signer(signer), "confirm")
    if signer.awaits_confirmation and not signer.petition.is_accepting_signatures():
        return _email_link_page(request, signer, "closed", status=410)
    signer.confirm()
    return _email_link_page(request, protection.as_seen_by_signer(signer), "confirmed")


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
