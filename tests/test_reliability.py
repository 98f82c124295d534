"""A smoke of `make reliability`: every fault injected on the run's own private stack
(PostgreSQL cluster, Redis, mail server), seconds per fault, and every check must pass."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.faults import postgres_bin
from benchmarks.stack import without_test_settings

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [
    "writes",
    "duplicates",
    "postgres restart",
    "redis stopped",
    "redis restarted",
    "email failing",
    "email recovered",
    "gunicorn HUP",
    "gunicorn TERM",
    "every acknowledged signer got the confirmation email",
    "backup",
]
# Rows that fail when a known bug shows (not on every run: it depends on timing). The test
# is then an expected failure naming the bug, and every other row must still pass.
KNOWN_BUGS = {
    "postgres restart: confirmation emails lost with an abandoned task": (
        "db_worker exits when PostgreSQL restarts under it, leaving the email task it was "
        "running in RUNNING for ever: that signer's confirmation email is never sent"
    ),
}


@pytest.mark.skipif(not postgres_bin(), reason="PostgreSQL's server binaries (initdb) missing")
@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is missing")
def test_every_fault_is_survived(tmp_path):
    output = tmp_path / "reliability.json"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.reliability", "--quick", "--output", str(output)],
        cwd=ROOT, env=without_test_settings(os.environ), capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    log = result.stdout[-4000:] + result.stderr[-4000:]
    assert output.exists(), log
    rows = json.loads(output.read_text())["rows"]
    for scenario in SCENARIOS:
        assert any(row["name"].startswith(scenario) for row in rows), scenario
    failed = {row["name"]: row for row in rows if row["passed"] is False}
    unexpected = {name: row for name, row in failed.items() if name not in KNOWN_BUGS}
    assert not unexpected, log
    if failed:
        pytest.xfail("; ".join(KNOWN_BUGS[name] for name in failed))
    assert result.returncode == 0, log
