"""The public lists read an index range, whatever the number of signatures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petition.models import Signature
from petition.views.public import public_signatures

pytestmark = pytest.mark.django_db


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test table is tiny, so PostgreSQL would rightly scan it: ask whether it *can* use
        # an index, as it will at a million rows.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_newest_signatures_come_from_the_partial_index(petition, make_signature):
    make_signature(petition)
    explained = plan(public_signatures(petition).recent()[:10])
    assert "signature_counted_newest" in explained
    assert "Sort" not in explained


def test_one_countrys_signatures_come_from_their_own_index(petition, make_signature):
    make_signature(petition, country="FR")
    explained = plan(public_signatures(petition).recent().filter(country="FR")[50:100])
    assert "signature_counted_country" in explained
    assert "Sort" not in explained


def test_the_task_worker_finds_its_next_email_through_one_index():
    from django_tasks_db.models import DBTaskResult

    # The worker's own query (django_tasks_db's db_worker), before the task table is analysed.
    next_task = DBTaskResult.objects.ready().filter(
        backend_name="default", queue_name__in=["default"]
    )[:1]
    explained = plan(next_task)
    assert "petition_task_queue_next" in explained
    assert "Sort" not in explained


def test_confirming_locks_the_signature_by_its_primary_key_alone(petition, make_signature):
    """A status condition in the lock query let PostgreSQL pick the status index while its
    statistics lagged behind a surge of new pending signatures (7 ms a confirmation)."""
    signature = make_signature(petition, status=Signature.Status.PENDING)
    with CaptureQueriesContext(connection) as queries:
        assert signature.confirm() is True
    (lock,) = [query["sql"] for query in queries if query["sql"].endswith("FOR UPDATE")]
    where = lock.split(" WHERE ", 1)[1]
    assert "status" not in where and '"id" = ' in where
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.confirm() is False  # a second click changes nothing
