"""A smoke of the scale-out part of `make bench`: two gunicorn instances behind nginx on a
small petition, a few seconds of signing. Its rows check correctness, not speed (the load
spread over both, every signature stored and counted exactly, a rate limit shared by both),
so every one of them must pass."""

import shutil

import pytest

from benchmarks.scale_out import nginx_binary
from tests.smoke import run_benchmark
from tests.test_benchmarks import database_server_url, redis_is_up

CHECKS = [
    "scale-out: load spread over both instances",
    "scale-out: every acknowledged signature stored, zero 5xx",
    "scale-out: counts exact",
    "scale-out: rate limits shared",
]


@pytest.mark.skipif(not nginx_binary(), reason="nginx is missing (.ci/run installs it)")
@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is missing (.ci/run installs it)")
@pytest.mark.skipif(not redis_is_up(), reason="no Redis on 127.0.0.1:6379 (.ci/run starts it)")
def test_two_instances_behind_nginx_share_counts_and_limits(tmp_path):
    result, report, log = run_benchmark(
        "benchmarks.scale_out", "--quick", "--seconds", "2",
        output=tmp_path / "scale-out.json", timeout=180,
        env={"BENCH_DATABASE_URL": database_server_url()},
    )  # fmt: skip
    assert report is not None, log
    rows = {row["name"]: row for row in report["rows"]}
    assert rows["scale-out: signatures/s through nginx over two instances"]["value"] > 0, log
    for name in CHECKS:
        assert rows[name]["passed"] is True, (rows[name], log)
    assert result.returncode == 0, log
