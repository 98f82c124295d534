"""What happens when someone signs: actions that span models or send mail."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from lib import emails
from lib.email_address import canonical_email
from lib.ip import ip_hash

from . import protection
from .models import Organisation, Signature, Signer

SIGNER_MODELS = {"signature": Signature, "organisation": Organisation}


def kind_of(signer):
    return "organisation" if isinstance(signer, Organisation) else "signature"


def load_signer(kind, pk):
    return SIGNER_MODELS[kind].objects.select_related("petition").filter(pk=pk).first()


def sign_petition(petition, form, *, ip):
    """Store a new pending signature and email its confirmation link.

    Signing twice with the same (canonical) address stores nothing new: the owner of the
    address is emailed again, and the caller answers exactly as for a first signature, so
    the response never tells whether an address has signed.
    """
    signature = form.save(commit=False)
    signature.show_name = form.cleaned_data["show_name"]
    return _store_signer(petition, signature, form, ip=ip)


def sign_as_organisation(petition, form, *, ip):
    """Store a new pending organisation; its contact confirms by email, a moderator approves."""
    return _store_signer(petition, form.save(commit=False), form, ip=ip)


def _store_signer(petition, signer, form, *, ip):
    signer.petition = petition
    signer.email_canonical = canonical_email(signer.email)
    signer.keep_informed = form.cleaned_data["keep_informed"]
    signer.consent_version = settings.PRIVACY_NOTICE_VERSION
    signer.consented_at = timezone.now()
    signer.language = translation.get_language() or settings.LANGUAGE_CODE
    signer.ip_hash = ip_hash(ip)
    signer.emails_sent = 1
    # Suspected signatures are stored and answered like any other, and never counted.
    verdict = protection.assess(petition, ip=ip, email=signer.email, form=form)
    if verdict.suspected:
        signer.status = Signer.Status.SUSPECTED
        signer.suspicion = ",".join(verdict.reasons)
    kind = kind_of(signer)
    try:
        with transaction.atomic():
            signer.save()
            _enqueue_with_signer("send_confirmation_request", kind, signer.pk)
    except IntegrityError:
        return _signed_again(kind, petition, signer)
    return signer


def _signed_again(kind, petition, attempt):
    model = SIGNER_MODELS[kind]
    if kind == "signature":
        lookup = {"email_canonical": attempt.email_canonical}
    else:
        lookup = {"name__iexact": attempt.name, "country": attempt.country}
    existing = model.objects.filter(petition=petition, **lookup).first()
    if existing is None or not existing.reserve_email():
        return existing
    if existing.email_canonical != attempt.email_canonical:
        # Another contact for an organisation that has already signed: tell the sender,
        # without revealing who the first contact was.
        _enqueue_on_commit("send_already_signed", kind, existing.pk, attempt.email)
    elif existing.awaits_confirmation:
        _enqueue_on_commit("send_confirmation_request", kind, existing.pk)
    else:
        _enqueue_on_commit("send_already_signed", kind, existing.pk)
    return existing


def _enqueue_with_signer(task_name, *args):
    """Inside the transaction that stores a signer. The database task backend stores the task
    in that same transaction: one commit instead of two, and the email exists if and only if
    the signature does. Any other backend is handed the task once the signer is committed."""
    from django_tasks_db.backend import DatabaseBackend

    from . import tasks

    task = getattr(tasks, task_name)
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def _enqueue_on_commit(task_name, *args):
    from . import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.enqueue(*args))


def _send_to_signer(name, signer, context):
    """Every email to a signer carries the "manage my signature" link and one-click unsubscribe."""
    manage_token = signer.make_token("manage")
    unsubscribe_url = emails.absolute_url(reverse("petition:unsubscribe", args=[manage_token]))
    emails.send(
        name,
        signer.email,
        {
            "signer": signer,
            "petition": signer.petition,
            "manage_url": emails.absolute_url(reverse("petition:manage", args=[manage_token])),
        }
        | context,
        language=signer.language,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_confirmation_request(signer):
    if signer is None or not signer.awaits_confirmation:
        return
    _send_to_signer(
        f"confirm-{kind_of(signer)}",
        signer,
        {
            "confirm_url": emails.absolute_url(
                reverse("petition:confirm", args=[signer.make_token("confirm")])
            ),
            "not_me_url": emails.absolute_url(
                reverse("petition:not_me", args=[signer.make_token("not-me")])
            ),
            "expiry_days": settings.CONFIRMATION_MAX_AGE_DAYS,
        },
    )


def send_already_signed(signer, to=None):
    if signer is None:
        return
    if to and to != signer.email:
        # Someone else, who is not this signer: no link to manage the signature.
        emails.send(
            f"already-signed-{kind_of(signer)}",
            to,
            {"signer": signer, "petition": signer.petition, "petition_url": _petition_url(signer)},
            language=signer.language,
        )
        return
    _send_to_signer(
        f"already-signed-{kind_of(signer)}", signer, {"petition_url": _petition_url(signer)}
    )


def _petition_url(signer):
    return emails.absolute_url(signer.petition.get_absolute_url())
