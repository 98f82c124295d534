"""manage.py worker (lib/task_worker.py): a lost database connection loses no email."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lib import task_worker
from petition import mail as petition_mail

from .test_signing import sign

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def database_tasks(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    niced = []
    monkeypatch.setattr("os.nice", niced.append)  # not the test process's own priority
    return niced


def run_worker():
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)


def failing_once(monkeypatch, owner, name):
    """Make owner.name raise a lost-connection error the first time it is called."""
    real = getattr(owner, name)
    calls = []

    def once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, once)
    return calls


def test_an_email_task_that_lost_its_connection_is_run_again(client, petition, monkeypatch):
    assert sign(client, petition).status_code == 302
    calls = failing_once(monkeypatch, petition_mail, "send_confirmation_request")
    run_worker()
    assert len(calls) == 2
    assert len(mail.outbox) == 1 and "/confirm/" in mail.outbox[0].body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_task_that_always_fails_on_the_database_is_left_failed(client, petition, monkeypatch):
    assert sign(client, petition).status_code == 302
    calls = []

    def broken(signer):
        calls.append(signer)
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(petition_mail, "send_confirmation_request", broken)
    run_worker()
    assert len(calls) == task_worker.MAX_ATTEMPTS
    assert DBTaskResult.objects.get().status == "FAILED"


def test_a_failure_that_could_not_be_recorded_is_not_left_running(client, petition, monkeypatch):
    """What db_worker does when PostgreSQL restarts under a task: the task fails, and so does
    recording its failure. db_worker exited, leaving the task RUNNING for ever."""
    assert sign(client, petition).status_code == 302
    failing_once(monkeypatch, petition_mail, "send_confirmation_request")
    failing_once(monkeypatch, DBTaskResult, "set_failed")
    answers = iter([False, False, True])
    monkeypatch.setattr(task_worker, "database_answers", lambda: next(answers))
    monkeypatch.setattr(task_worker, "DATABASE_WAIT_SECONDS", 0)
    run_worker()
    assert next(answers, "all asked") == "all asked"  # it waited for the database to answer
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_lost_connection_while_looking_for_work_does_not_stop_the_worker(
    client, petition, monkeypatch
):
    assert sign(client, petition).status_code == 302
    failing_once(monkeypatch, DBTaskResult.objects.none().__class__, "get_locked")
    run_worker()
    assert len(mail.outbox) == 1


def test_tasks_abandoned_by_a_dead_worker_are_run_again(client, petition):
    sign(client, petition)
    sign(client, petition, email="second@example.org", full_name="Kofi Brandt")
    abandoned, recent = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=abandoned.pk).update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=11)
    )
    # Still within the time a task may take: its worker may be alive and sending it.
    DBTaskResult.objects.filter(pk=recent.pk).update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=1)
    )
    run_worker()
    assert [message.to for message in mail.outbox] == [["amara@example.org"]]
    abandoned.refresh_from_db()
    recent.refresh_from_db()
    assert (abandoned.status, recent.status) == ("SUCCESSFUL", "RUNNING")


def test_the_worker_runs_below_the_web_workers(database_tasks, settings):
    run_worker()
    assert database_tasks == [10]  # TASK_WORKER_NICENESS's default
    settings.TASK_WORKER_NICENESS = 0
    run_worker()
    assert database_tasks == [10]
