"""In production, emails go through django-tasks-db: enqueued on commit, sent by the worker."""

import smtplib
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from petition import actions, tasks
from petition.models import Signature

from .test_signing import sign


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signing_enqueues_the_email_and_the_worker_sends_it(client, petition, database_tasks):
    response = sign(client, petition)
    assert response.status_code == 302
    assert Signature.objects.count() == 1
    assert mail.outbox == []  # the request did not wait for the mail server
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
    assert len(mail.outbox) == 1
    assert "/confirm/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_email_task_is_stored_with_the_signature_or_not_at_all(client, petition, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert sign(client, petition).status_code == 302
    signature = Signature.objects.get()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == ["signature", signature.pk]

    # Written in the signer's own transaction (one commit), so gone if that one fails.
    with pytest.raises(RuntimeError), transaction.atomic():
        actions._enqueue_with_signer(tasks.send_confirmation_request, "signature", signature.pk)
        assert DBTaskResult.objects.count() == 2
        raise RuntimeError
    assert DBTaskResult.objects.count() == 1

    # Any other backend is handed the task only once the signer is committed.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with pytest.raises(RuntimeError), transaction.atomic():
        actions._enqueue_with_signer(tasks.send_confirmation_request, "signature", signature.pk)
        raise RuntimeError
    assert mail.outbox == []
    with transaction.atomic():
        actions._enqueue_with_signer(tasks.send_confirmation_request, "signature", signature.pk)
        assert mail.outbox == []
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mail_server_that_is_down_loses_no_confirmation_email(
    client, petition, database_tasks, monkeypatch, caplog
):
    real_send = EmailMultiAlternatives.send

    def refused(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refused)
    assert sign(client, petition).status_code == 302
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    # Stored, not sent, and coming back in a minute rather than failed for good.
    assert Signature.objects.count() == 1
    assert mail.outbox == []
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"attempt": 1}
    wait = retry.run_after - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(seconds=settings.EMAIL_RETRY_DELAYS[0])
    assert "Sending failed (SMTPServerDisconnected" in caplog.text
    assert petition.signatures.get().email not in caplog.text

    # The mail server is back; the retry is due: the worker sends the email.
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1
    assert "/confirm/" in mail.outbox[0].body


@pytest.mark.django_db
def test_after_the_last_retry_the_failure_is_final(petition, make_signature, monkeypatch):
    def refused(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("still down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refused)
    signature = make_signature(petition, status=Signature.Status.PENDING)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        tasks.send_confirmation_request.call(
            "signature", signature.pk, attempt=len(settings.EMAIL_RETRY_DELAYS)
        )
