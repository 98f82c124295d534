"""The task worker (`manage.py worker`): django-tasks-db's db_worker, made to outlive a
database that goes away for a while.

db_worker exits when its database connection breaks (PostgreSQL restarted, a failover). If it
was running a task then, recording the result fails too and the task stays RUNNING for ever:
that signer's confirmation email was never sent, and nothing would ever send it. This worker
instead waits for the database to answer again, puts back in the queue the task it could not
finish, and goes on, without a restart.

A worker that dies outright (killed, out of memory, the machine down) leaves its task RUNNING
too: every worker puts back the tasks RUNNING for longer than any task takes, when it starts
and then every few minutes while it runs tasks.

A task put back runs again from the start, so an email whose sending had succeeded just
before the database went away is sent twice: a second copy rather than none.

Why this uses django-tasks-db's undocumented parts: the library documents the `db_worker`
command and its options, Django the task signals and TaskResult; neither offers a way to
survive a lost connection or to put a task back in the queue. Running db_worker again once it
has exited would forget the task it was running and a SIGTERM it received meanwhile (both
live on its Worker), and acting from the task signals would need side effects in signal
receivers, which this project keeps out. So Worker subclasses db_worker's Worker: run() calls
run_task() with each task it claimed, run_task() records the result on that DBTaskResult and
lets out an error from recording it, and _put_back() writes DBTaskResult's fields itself;
the command reuses db_worker.Command's options and configure_logging(). Every one of these is
pinned, with the installed version, by tests/test_task_worker.py: after an upgrade, a failure
there says what to re-check here.
"""

import logging
import time
from datetime import timedelta

from django.db import InterfaceError, OperationalError, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("django_tasks_db")

CONNECTION_ERRORS = (OperationalError, InterfaceError)
# Longer than any task: an email is a few SMTP round trips of at most 20 s each.
ABANDONED_AFTER = timedelta(minutes=10)
ABANDONED_CHECK_SECONDS = 300
DATABASE_WAIT_SECONDS = 1
# Runs of a task that failed on a database error before it is left failed.
MAX_ATTEMPTS = 5


def requeue(queryset):
    """Put tasks back in the queue, to run again as soon as a worker is free."""
    return queryset.filter(status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )


def requeue_abandoned(older_than=ABANDONED_AFTER):
    """Tasks RUNNING for longer than any task runs: their worker died while running them."""
    cutoff = timezone.now() - older_than
    count = requeue(DBTaskResult.objects.filter(started_at__lt=cutoff))
    if count:
        logger.warning("Requeued %d task(s) abandoned by a worker that stopped", count)
    return count


def database_answers():
    try:
        for connection in connections.all(initialized_only=True):
            connection.close()
        connections["default"].ensure_connection()
    except CONNECTION_ERRORS:
        return False
    return True


class Worker(db_worker.Worker):
    _abandoned_checked = float("-inf")
    _unfinished = None  # the task being run when the connection broke

    def run(self):
        while True:
            try:
                if self._unfinished is not None:
                    self._put_back(self._unfinished)
                    self._unfinished = None
                self._requeue_abandoned_now_and_then()
                return super().run()
            except CONNECTION_ERRORS as error:
                self._wait_for_the_database(error)

    def run_task(self, db_task_result):
        # A lost connection raised from here (recording the result failed too) goes to run().
        self._unfinished = db_task_result
        super().run_task(db_task_result)
        if self._failed_on_the_database(db_task_result):
            # The task failed on the lost connection; its failure was recorded once back.
            self._put_back(db_task_result)
        self._unfinished = None
        self._requeue_abandoned_now_and_then()

    def _failed_on_the_database(self, db_task_result):
        # A task that fails so on every attempt is a bug, not an outage: it stays failed.
        if db_task_result.status != TaskResultStatus.FAILED or (
            len(db_task_result.worker_ids) >= MAX_ATTEMPTS
        ):
            return False
        path = db_task_result.exception_class_path
        return path.rsplit(".", 1)[-1] in {error.__name__ for error in CONNECTION_ERRORS}

    def _put_back(self, db_task_result):
        DBTaskResult.objects.filter(
            pk=db_task_result.pk, status__in=[TaskResultStatus.RUNNING, TaskResultStatus.FAILED]
        ).update(
            status=TaskResultStatus.READY, started_at=None, finished_at=None,
            exception_class_path="", traceback="",
        )  # fmt: skip
        logger.warning("Task id=%s put back in the queue after a database error", db_task_result.pk)

    def _wait_for_the_database(self, error):
        logger.warning("Database unavailable (%s); waiting for it", type(error).__name__)
        while not database_answers():
            time.sleep(DATABASE_WAIT_SECONDS)
        logger.warning("Database back; the worker goes on")

    def _requeue_abandoned_now_and_then(self):
        # A lost connection raised here is handled by run(), like one of the worker's own.
        if time.monotonic() - self._abandoned_checked >= ABANDONED_CHECK_SECONDS:
            requeue_abandoned()
            self._abandoned_checked = time.monotonic()
