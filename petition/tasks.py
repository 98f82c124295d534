"""Background work, enqueued on commit: thin wrappers around petition.actions.

A mail server that is down or refusing for a while must not lose a confirmation email: a task
that fails to send comes back later, with growing delays (about a day in all), and only then
fails for good, in the task log and the error reports.
"""

import logging
import smtplib
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from lib import emails

from . import actions, invalidation, protection

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


@task
def send_confirmation_request(kind, pk, attempt=0):
    with retried_if_mail_fails(send_confirmation_request, (kind, pk), attempt):
        actions.send_confirmation_request(actions.load_signer(kind, pk))


@task
def send_already_signed(kind, pk, to=None, attempt=0):
    with retried_if_mail_fails(send_already_signed, (kind, pk, to), attempt):
        actions.send_already_signed(actions.load_signer(kind, pk), to)


@task
def send_signing_alert(kind, key, count, attempt=0):
    with retried_if_mail_fails(send_signing_alert, (kind, key, count), attempt):
        emails.send_to_staff("signing_alert", protection.alert_context(kind, key, count))


@task
def run_invalidation(invalidation_id):
    invalidation.run_invalidation(invalidation_id)


@task
def undo_invalidation(invalidation_id, user_id):
    invalidation.undo_invalidation(invalidation_id, invalidation.load_user(user_id))
