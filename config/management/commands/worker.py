import os

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from lib.task_worker import Worker

WORKER_OPTIONS = ("interval", "batch", "backend_name", "startup_delay", "max_tasks", "worker_id")


class Command(db_worker.Command):
    help = (
        "Run the task worker, which sends the emails: django-tasks-db's db_worker, which also "
        "waits out a lost database connection and puts abandoned tasks back in the queue "
        "(lib/task_worker.py)."
    )

    def handle(self, *, verbosity, queue_name, exclude_queues, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        # --reload (db_worker's, for development) is not offered: production runs this one.
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded_queue_names,
            **{name: options[name] for name in WORKER_OPTIONS},
        )
        worker.configure_signals()
        # Below the web workers: at saturation a signature comes before its email.
        if settings.TASK_WORKER_NICENESS > 0:
            os.nice(settings.TASK_WORKER_NICENESS)
        worker.run()
