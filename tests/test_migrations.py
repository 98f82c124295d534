import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"Missing migrations:\n{out.getvalue()}")


def test_migrations_apply_on_sqlite_for_make_run(tmp_path):
    """`make run` uses SQLite: every migration (indexes included) must work there too."""
    root = Path(__file__).resolve().parents[1]
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}", "DEBUG": "on"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=root, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
