"""What happens when someone signs: storing the signer and queueing its email, in one commit."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django_tasks_db.backend import DatabaseBackend

from lib.ip import ip_hash

from . import tasks
from .email_address import canonical_email
from .models import Signer
from .protection.verdict import assess


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
    verdict = assess(petition, ip=ip, email=signer.email, form=form)
    if verdict.suspected:
        signer.status = Signer.Status.SUSPECTED
        signer.suspicion = ",".join(verdict.reasons)
    try:
        with transaction.atomic():
            signer.save()
            _enqueue_with_signer(tasks.send_confirmation_request, signer.KIND, signer.pk)
    except IntegrityError:
        return _signed_again(petition, signer)
    return signer


def _signed_again(petition, attempt):
    model = type(attempt)
    if model.KIND == "signature":
        lookup = {"email_canonical": attempt.email_canonical}
    else:
        lookup = {"name__iexact": attempt.name, "country": attempt.country}
    existing = model.objects.filter(petition=petition, **lookup).first()
    if existing is None or not existing.reserve_email():
        return existing
    if existing.email_canonical != attempt.email_canonical:
        # Another contact for an organisation that has already signed: tell the sender,
        # without revealing who the first contact was.
        _enqueue_on_commit(tasks.send_already_signed, model.KIND, existing.pk, attempt.email)
    elif existing.awaits_confirmation:
        _enqueue_on_commit(tasks.send_confirmation_request, model.KIND, existing.pk)
    else:
        _enqueue_on_commit(tasks.send_already_signed, model.KIND, existing.pk)
    return existing


def _enqueue_with_signer(task, *args):
    """Inside the transaction that stores a signer. The database task backend stores the task
    in that same transaction: one commit instead of two, and the email exists if and only if
    the signature does. Any other backend is handed the task once the signer is committed."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        _enqueue_on_commit(task, *args)


def _enqueue_on_commit(task, *args):
    transaction.on_commit(lambda: task.enqueue(*args))
