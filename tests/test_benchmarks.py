"""A smoke of `make bench`: the whole suite runs end to end on a tiny data set, seconds per
row, and prints every row. Floors are for the full run on a quiet machine (make bench);
here only correctness counts: every acknowledged signature stored, no 5xx."""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from benchmarks.stack import without_test_settings

ROOT = Path(__file__).resolve().parents[1]
ROWS = [
    "sign: signatures/s",
    "sign: every acknowledged signature stored, zero 5xx",
    "confirm: POST/s",
    "emails: sent per second by one worker",
    "petition page at 2,000 signatures: req/s",
    "petition page: p95 latency",
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
    output = tmp_path / "bench.json"
    env = without_test_settings(os.environ) | {"BENCH_DATABASE_URL": database_server_url()}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--signatures", "2000",
         "--seconds", "1", "--sign-seconds", "1", "--output", str(output),
         "--no-scale-out"],  # tests/test_scale_out.py runs that part
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for row in ROWS:
        assert row in result.stdout, row
    report = json.loads(output.read_text())
    rows = {row["name"]: row for row in report["rows"]}
    stored = rows["sign: every acknowledged signature stored, zero 5xx"]
    assert stored["passed"] is True, stored
    assert rows["sign: signatures/s (form POST, full stack)"]["value"] > 0
    assert all(row["value"] > 0 for row in report["rows"])
    assert report["machine"]["cpus"] >= 1
