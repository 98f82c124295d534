"""The emails about signing: what each says and where it goes, sent from the background tasks.

Each function builds its email's context (links with the signer's tokens) in the language the
signer signed in, every link going to the pages in that language, and hands it to its function
in lib/emails.py. Every email to a signer carries the "manage my signature" link and a
one-click unsubscribe.
"""

from contextlib import contextmanager

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from lib import emails

from .models import Organisation, Signer
from .models.protection import ALERT_WINDOW


def send_confirmation_request(signer):
    if signer is None or not signer.awaits_confirmation:
        return
    with _in_signers_language(signer):
        _send_confirmation_request(signer)


def _send_confirmation_request(signer):
    context = {
        "confirm_url": _link("petition:confirm", signer.make_token("confirm")),
        "not_me_url": _link("petition:not_me", signer.make_token("not-me")),
        "expiry_days": settings.CONFIRMATION_MAX_AGE_DAYS,
    }
    send = (
        emails.confirm_organisation
        if isinstance(signer, Organisation)
        else emails.confirm_signature
    )
    _send_to_signer(send, signer, context)


def send_already_signed(signer, to=None):
    """To the signer who signed again; or, for an organisation, to another contact who tried
    to sign for it (`to`), without a link to manage the signature nor who the first was."""
    if signer is None:
        return
    with _in_signers_language(signer):
        _send_already_signed(signer, to)


def _send_already_signed(signer, to):
    send = (
        emails.already_signed_organisation
        if isinstance(signer, Organisation)
        else emails.already_signed_signature
    )
    context = {"petition_url": emails.absolute_url(signer.petition.get_absolute_url())}
    if to and to != signer.email:
        context |= {"signer": signer, "petition": signer.petition}
        send(to, context, language=translation.get_language())
        return
    _send_to_signer(send, signer, context)


def send_signing_alert(kind, key, count):
    emails.signing_alert(alert_context(kind, key, count))


def alert_context(kind, key, count):
    """What the alert says: a network only by its hash (never a raw IP), a domain by name."""
    changelist = reverse("admin:petition_signature_changelist")
    # The hash finds the network's signatures (superusers only); a domain, the suspected ones.
    query = {"ip_hash": key} if kind == "network" else {"status__exact": Signer.Status.SUSPECTED}
    return {
        "kind": kind,
        "key": key,
        "count": count,
        "window_minutes": ALERT_WINDOW // 60,
        "admin_url": settings.SITE_URL + changelist + "?" + urlencode(query),
        "protection_url": settings.SITE_URL + reverse("admin:petition_protection_changelist"),
    }


@contextmanager
def _in_signers_language(signer):
    """Texts, links and the petition's title in the language the signer signed in."""
    with translation.override(emails.supported_language(signer.language)):
        # The petition may have been loaded in another language (the worker's default): its
        # title in the email is the signer's translation, else the original.
        signer.petition.set_current_language(translation.get_language())
        yield


def _link(name, token):
    return emails.absolute_url(reverse(name, args=[token]))


def _send_to_signer(send, signer, context):
    manage_token = signer.make_token("manage")
    context = {
        "signer": signer,
        "petition": signer.petition,
        "manage_url": _link("petition:manage", manage_token),
    } | context
    unsubscribe_url = _link("petition:unsubscribe", manage_token)
    send(
        signer.email,
        context,
        language=translation.get_language(),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
