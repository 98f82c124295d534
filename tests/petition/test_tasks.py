"""In production, emails go through django-tasks-db: enqueued on commit, sent by the worker."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

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
