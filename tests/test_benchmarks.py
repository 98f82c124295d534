"""A smoke of `make bench`: the whole suite runs end to end on a tiny data set, seconds per
row, and prints every row. Floors are for the full run on a quiet machine (make bench);
here only correctness counts: every acknowledged signature stored, no 5xx."""

import shutil
import socket

import pytest
from django.conf import settings

from tests.smoke import run_benchmark

ROWS = [
    "sign: signatures/s",
    "sign: every acknowledged signature stored, zero 5xx",
    "confirm: POST/s",
    "emails: sent per second by one worker",
    "petition page at 2,000 signatures: req/s",
    "petition page: p95 latency",
    "petition page, a crowd's Accept-Language headers: req/s",
    "count JSON: req/s",
    "petition page: latency at 2,000 vs 1,000 signatures",
    "per-country breakdown: latency",
    "signatory list: page 40 vs page 1",
    "signatory list: page 40 by its number alone vs page 1",
    "gunicorn worker memory after the run",
]


def redis_is_up():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def database_server_url():
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is missing (.ci/run installs it)")
@pytest.mark.skipif(not redis_is_up(), reason="no Redis on 127.0.0.1:6379 (.ci/run starts it)")
def test_the_benchmark_suite_runs_end_to_end(tmp_path):
    result, report, log = run_benchmark(
        "benchmarks.run", "--quick", "--signatures", "2000", "--seconds", "1",
        "--sign-seconds", "1", "--no-scale-out",  # tests/test_scale_out.py runs that part
        output=tmp_path / "bench.json", timeout=300,
        env={"BENCH_DATABASE_URL": database_server_url()},
    )  # fmt: skip
    assert result.returncode == 0, log
    for row in ROWS:
        assert row in result.stdout, row
    rows = {row["name"]: row for row in report["rows"]}
    stored = rows["sign: every acknowledged signature stored, zero 5xx"]
    assert stored["passed"] is True, stored
    assert rows["sign: signatures/s (form POST, full stack)"]["value"] > 0
    assert all(row["value"] > 0 for row in report["rows"])
    assert report["machine"]["cpus"] >= 1
