"""What lib/task_worker.py and the worker command rely on in django-tasks-db that the library
does not document (lib/task_worker.py's docstring says why), pinned against the installed
version: an upgrade that changes any of it fails here, saying what to re-check, rather than in
production at the next database restart. tests/petition/test_worker.py tests the worker itself.
"""

import importlib.metadata
import inspect
import signal

import pytest
from django.db import OperationalError
from django.tasks import TaskResultStatus, task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from config.management.commands import worker as worker_command
from lib import task_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHECKED_VERSION = "0.13.0"


def recheck(what):
    return f"django-tasks-db changed {what}: re-check lib/task_worker.py against it"


@task
def answer():
    return 42


@task
def lose_the_connection():
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def library_worker(worker_class=db_worker.Worker):
    return worker_class(
        queue_names=["default"], excluded_queue_names=[], interval=0, batch=True,
        backend_name="default", startup_delay=False, max_tasks=None, worker_id="pinned",
    )  # fmt: skip


def plain(function):
    """A signature without its annotations: the names and kinds of the parameters."""
    signature = inspect.signature(function)
    parameters = [p.replace(annotation=p.empty) for p in signature.parameters.values()]
    return str(signature.replace(parameters=parameters, return_annotation=signature.empty))


def test_the_version_lib_task_worker_was_checked_against():
    installed = importlib.metadata.version("django-tasks-db")
    assert installed == CHECKED_VERSION, (
        f"django-tasks-db {installed} is installed; lib/task_worker.py was checked against "
        f"{CHECKED_VERSION}. Re-check it against the new db_worker.py and models.py (each "
        "test in tests/test_task_worker.py names one thing it relies on), then update "
        "CHECKED_VERSION."
    )


SIGNATURES = {
    db_worker.Worker.__init__: (
        "(self, *, queue_names, interval, batch, backend_name, startup_delay, max_tasks, "
        "worker_id, excluded_queue_names)"
    ),
    db_worker.Worker.run: "(self)",
    db_worker.Worker.run_task: "(self, db_task_result)",
    db_worker.Worker.configure_signals: "(self)",
    db_worker.Command.configure_logging: "(self, verbosity)",
}


@pytest.mark.parametrize(
    "function, expected", SIGNATURES.items(), ids=[f.__qualname__ for f in SIGNATURES]
)
def test_the_signatures_the_worker_overrides_or_calls(function, expected):
    assert plain(function) == expected, recheck(f"{function.__qualname__}'s signature")


def test_the_worker_command_passes_on_every_option_of_db_worker():
    """The worker command replaces db_worker.Command.handle: a new option of db_worker's would
    be accepted and silently ignored."""
    handled = {"verbosity", "queue_name", "exclude_queues", *worker_command.WORKER_OPTIONS}
    ignored = {"reload"}  # for development; production runs the worker command
    parameters = inspect.signature(db_worker.Command.handle).parameters.values()
    keywords = {p.name for p in parameters if p.kind is p.KEYWORD_ONLY}
    assert keywords == handled | ignored, recheck("db_worker.Command.handle's options")
    options = vars(db_worker.Command().create_parser("manage.py", "db_worker").parse_args([]))
    assert handled | ignored <= options.keys(), recheck("db_worker's command-line options")


def test_the_worker_adds_no_name_the_library_worker_uses():
    added = {name for name in vars(task_worker.Worker) if name.startswith("_")}
    added = {name for name in added if not name.startswith("__")}
    assert "_put_back" in added  # what this test checks: the worker's own names
    used = set(dir(db_worker.Worker)) | set(vars(library_worker()))
    assert not added & used, recheck(f"Worker, which now uses {sorted(added & used)}")


def test_the_fields_the_worker_reads_and_writes():
    fields = {field.name: field for field in DBTaskResult._meta.get_fields()}
    for name in ("status", "started_at", "finished_at", "exception_class_path", "traceback"):
        assert name in fields, recheck(f"DBTaskResult.{name}")
    assert fields["worker_ids"].get_default() == [], recheck("DBTaskResult.worker_ids")
    assert {"READY", "RUNNING", "FAILED", "SUCCESSFUL"} <= set(TaskResultStatus.values)


def test_the_worker_logs_to_the_logger_db_worker_configures():
    assert db_worker.logger is task_worker.logger, recheck("db_worker's logger")


def test_run_hands_each_task_it_claimed_to_run_task():
    """lib/task_worker.Worker.run_task sees each task, RUNNING and claimed, before it runs."""
    answer.enqueue()
    seen = []

    class Recording(db_worker.Worker):
        def run_task(self, db_task_result):
            seen.append((db_task_result.status, list(db_task_result.worker_ids)))
            super().run_task(db_task_result)

    library_worker(Recording).run()
    assert seen == [("RUNNING", ["pinned"])], recheck("how Worker.run() calls run_task()")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_run_task_records_a_connection_error_on_the_task_it_was_given():
    """What _failed_on_the_database() reads, on the object run_task() was given, once it
    returned."""
    lose_the_connection.enqueue()
    db_task_result = DBTaskResult.objects.get()
    db_task_result.claim("pinned")
    library_worker().run_task(db_task_result)  # the task's error stays in run_task()
    recorded = (db_task_result.status, db_task_result.exception_class_path)
    assert recorded == ("FAILED", "django.db.utils.OperationalError"), recheck(
        "what Worker.run_task() records of a task's error"
    )
    db_task_result.refresh_from_db()
    assert db_task_result.status == "FAILED", recheck("Worker.run_task()'s saving")


def test_an_error_recording_the_result_leaves_run(monkeypatch):
    """lib/task_worker.Worker.run() catches it and puts back the task it was running."""
    lose_the_connection.enqueue()

    def recording_fails(self, exc):
        raise OperationalError("the connection is lost")

    monkeypatch.setattr(DBTaskResult, "set_failed", recording_fails)
    with pytest.raises(OperationalError):
        library_worker().run()
    assert DBTaskResult.objects.get().status == "RUNNING", recheck("Worker.run_task()")


def test_a_lost_connection_while_looking_for_work_leaves_run_which_can_run_again(monkeypatch):
    """Not mistaken for a locked database, which db_worker waits out; run() called again on
    the same Worker goes on (lib/task_worker.Worker.run() does so once the database is back)."""
    answer.enqueue()
    queryset = type(DBTaskResult.objects.all())
    get_locked = queryset.get_locked
    calls = []

    def fails_once(self):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return get_locked(self)

    monkeypatch.setattr(queryset, "get_locked", fails_once)
    worker = library_worker()
    with pytest.raises(OperationalError):
        worker.run()
    worker.run()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL", recheck("Worker.run()")


def test_run_returns_at_once_once_asked_to_stop():
    """A SIGTERM received while the connection was lost is kept across
    lib/task_worker.Worker.run()'s retries: run() must then return without running a task."""
    answer.enqueue()
    worker = library_worker()
    worker.running_task = True  # as while a task runs: shutdown() then lets it finish
    worker.shutdown(signal.SIGTERM, None)
    assert not worker.running, recheck("Worker.shutdown() and Worker.running")
    worker.run()
    assert DBTaskResult.objects.get().status == "READY", recheck("Worker.running")
