"""Background work: thin wrappers around petition/mail.py and petition/invalidation_batches.py.

The callers enqueue (petition/actions.py, petition/protection/alerts.py, the bulk
invalidation admin); nothing these tasks call imports this module back.

A mail server that is down or refusing for a while must not lose a confirmation email: a task
that fails to send comes back later, with growing delays (about a day in all), and only then
fails for good, in the task log and the error reports.
"""

import logging
import smtplib
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import task
from django.utils import timezone

from . import invalidation_batches, mail
from .models import SIGNER_MODELS

logger = logging.getLogger(__name__)
MAIL_ERRORS = (smtplib.SMTPException, OSError)


@contextmanager
def retried_if_mail_fails(this_task, args, attempt):
    try:
        yield
    except MAIL_ERRORS as error:
        backend = this_task.get_backend()
        delays = settings.EMAIL_RETRY_DELAYS
        if attempt >= len(delays) or not backend.supports_defer:
            raise
        delay = delays[attempt]
        # The error's type only: an SMTP error's text can carry the recipient's address.
        logger.warning(
            "Sending failed (%s); %s retried in %d s (attempt %d)",
            type(error).__name__, this_task.name, delay, attempt + 1,
        )  # fmt: skip
        later = this_task.using(run_after=timezone.now() + timedelta(seconds=delay))
        later.enqueue(*args, attempt=attempt + 1)


def load_signer(kind, pk):
    """The signer a task names, or None if it was deleted since (withdrawn, "not me")."""
    return SIGNER_MODELS[kind].objects.select_related("petition").filter(pk=pk).first()


@task
def send_confirmation_request(kind, pk, attempt=0):
    with retried_if_mail_fails(send_confirmation_request, (kind, pk), attempt):
        mail.send_confirmation_request(load_signer(kind, pk))


@task
def send_already_signed(kind, pk, to=None, attempt=0):
    with retried_if_mail_fails(send_already_signed, (kind, pk, to), attempt):
        mail.send_already_signed(load_signer(kind, pk), to)


@task
def send_signing_alert(kind, key, count, attempt=0):
    with retried_if_mail_fails(send_signing_alert, (kind, key, count), attempt):
        mail.send_signing_alert(kind, key, count)


@task
def run_invalidation(invalidation_id):
    invalidation_batches.run_invalidation(invalidation_id)


@task
def undo_invalidation(invalidation_id, user_id):
    invalidation_batches.undo_invalidation(
        invalidation_id, get_user_model().objects.get(pk=user_id)
    )
