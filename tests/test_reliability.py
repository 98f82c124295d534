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
    failed = [row["name"] for row in rows if row["passed"] is False]
    assert not failed, log
    assert result.returncode == 0, log
