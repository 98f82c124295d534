"""A smoke of `make reliability`: every fault injected on the run's own private stack
(PostgreSQL cluster, Redis, mail server), seconds per fault, and every check must pass."""

import shutil

import pytest

from benchmarks.faults import postgres_bin
from tests.smoke import run_benchmark

SCENARIOS = [
    "writes",
    "duplicates",
    "postgres restart",
    "redis stopped",
    "redis restarted",
    "email failing",
    "email recovered",
    "gunicorn HUP",
    "redis OOM",
    "redis OOM put right",
    "redis MISCONF",
    "redis MISCONF put right",
    "redis READONLY",
    "redis READONLY put right",
    "gunicorn TERM",
    "every acknowledged signer got the confirmation email",
    "backup",
]


@pytest.mark.skipif(not postgres_bin(), reason="PostgreSQL's server binaries (initdb) missing")
@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is missing")
def test_every_fault_is_survived(tmp_path):
    result, report, log = run_benchmark(
        "benchmarks.reliability", "--quick", output=tmp_path / "reliability.json", timeout=300
    )
    assert report is not None, log
    rows = report["rows"]
    for scenario in SCENARIOS:
        assert any(row["name"].startswith(scenario) for row in rows), scenario
    failed = [row["name"] for row in rows if row["passed"] is False]
    assert not failed, log
    assert result.returncode == 0, log
