"""Erased means gone: not in any table of a database dump, not in the admin's log."""

import shutil
import subprocess

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection

from petition.models import Signature
from tests.petition.test_signing import links_in, sign

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NAME = "Zephyrine Quillfeather-Oyelaran"
EMAIL = "zephyrine.quill@example.net"


def database_dump():
    database = connection.settings_dict
    command = [
        shutil.which("pg_dump") or "pg_dump",
        "--data-only",
        "--host", database["HOST"] or "127.0.0.1",
        "--port", str(database["PORT"] or 5432),
        "--username", database["USER"] or "postgres",
        database["NAME"],
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, check=True).stdout


def test_a_withdrawn_signature_leaves_no_trace_in_a_database_dump(client, petition):
    sign(client, petition, full_name=NAME, email=EMAIL, show_name="on", city="Quillbridge")
    confirm_path, _not_me, manage_path = links_in(mail.outbox[-1])
    client.post(confirm_path)
    moderator = User.objects.create_user("moderator")
    LogEntry.objects.log_actions(moderator.pk, Signature.objects.all(), CHANGE, "Approved")
    before = database_dump()
    assert NAME.encode() in before and EMAIL.encode() in before  # the dump does see data

    client.post(manage_path, {"change": "withdraw", "sure": "yes"})

    after = database_dump()
    for trace in (NAME, EMAIL, "Quillbridge", "zephyrinequill"):
        assert trace.encode() not in after
    assert petition.compute_counts()["total"] == 0
