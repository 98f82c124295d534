"""Running a benchmark module (`python -m benchmarks.…`) as `make bench` or `make reliability`
would, for the smoke tests: in a subprocess, without the test suite's own settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.stack import without_test_settings

ROOT = Path(__file__).resolve().parents[1]


def run_benchmark(module, *args, output, timeout, env=None):
    """Run it; return (the subprocess result, the JSON report or None, the end of its output)."""
    result = subprocess.run(
        [sys.executable, "-m", module, *args, "--output", str(output)],
        cwd=ROOT, env=without_test_settings(os.environ) | (env or {}),
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    log = result.stdout[-4000:] + result.stderr[-4000:]
    report = json.loads(output.read_text()) if output.exists() else None
    return result, report, log
