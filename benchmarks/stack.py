# ruff: noqa: S603, S310 - runs our own commands and fetches our own loopback URLs
"""The production-like stack the benchmarks and the reliability runs drive: PostgreSQL
databases, gunicorn with the project's gunicorn.conf.py, the task worker, and wrk."""

import json
import os
import re
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
WRK_DIR = ROOT / "benchmarks" / "wrk"
PYTHON = sys.executable


@dataclass(frozen=True)
class Stack:
    """Where one run's servers listen and what they use: the smoke run (make test) has its
    own, so it never disturbs a full run going on at the same time."""

    database: str
    chorus_port: int
    reference_port: int
    redis_db: int


FULL = Stack("chorus_bench", 8731, 8732, 7)
SMOKE = Stack("chorus_bench_smoke", 8741, 8742, 8)


@dataclass
class Load:
    """What one wrk run measured."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    statuses: dict
    wrk_cpu_share: float

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def count(self, *prefixes):
        return sum(n for status, n in self.statuses.items() if status.startswith(prefixes))


def without_test_settings(environ):
    """The environment for a run started from the test suite: without the suite's own
    settings (its database, cache, tasks, email), since the run builds its own stack."""
    test_settings = ("DJANGO_", "DATABASE_URL", "CACHE_URL", "TASKS_", "EMAIL_")
    return {key: value for key, value in environ.items() if not key.startswith(test_settings)}


def database_url(name):
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(name):
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def chorus_env(run_id, stack):
    redis = f"rediscache://127.0.0.1:6379/{stack.redis_db}"
    return os.environ | {
        "DATABASE_URL": database_url(stack.database),
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{stack.chorus_port}",
        # Plain HTTP on the loopback: no redirect to HTTPS. Everything else as in production.
        "SECURE_SSL_REDIRECT": "off",
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", redis),
        "TASKS_BACKEND": "database",
        "EMAIL_URL": f"filemail:///{ROOT / 'var' / 'bench' / 'mail'}",  # an absolute path
        "TRUSTED_PROXIES": "127.0.0.1",
        "ACCESS_LOG": "off",
        "BIND": f"127.0.0.1:{stack.chorus_port}",
        "BENCH_RUN": run_id,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def reference_env(stack):
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "benchmarks.reference.settings",
        "REFERENCE_DATABASE_URL": database_url(f"{stack.database}_reference"),
        "ACCESS_LOG": "off",
        "BIND": f"127.0.0.1:{stack.reference_port}",
    }


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def log_file(path):
    """Where a server's stderr goes: nowhere by default; appended to `path` when the
    reliability runs need the tracebacks behind a 500."""
    return nullcontext(subprocess.DEVNULL) if path is None else open(path, "ab")  # noqa: SIM115


class Server:
    """gunicorn with the project's gunicorn.conf.py, started and stopped around a block."""

    def __init__(self, wsgi, env, port, log=None):
        self.wsgi, self.env, self.port, self.log = wsgi, env, port, log

    def __enter__(self):
        with log_file(self.log) as stderr:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py", self.wsgi],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        wait_for_port(self.port)
        return self

    def worker_pids(self):
        """The workers: the gunicorn master's children."""
        pid = self.process.pid
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()

    def worker_rss_mb(self):
        """Resident memory of each worker, in MB."""
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return sizes

    def worker_cpu_seconds(self):
        """CPU time (user and system) the workers have used so far: per request, a figure
        that what else runs on a shared machine changes much less than a rate."""
        ticks = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (proc(5), fields 14-15)
        return ticks / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


class Worker:
    """The task worker (django-tasks-db), as in production."""

    def __init__(self, env, log=None):
        self.env, self.log = env, log

    def __enter__(self):
        with log_file(self.log) as stderr:
            self.process = subprocess.Popen(
                [PYTHON, "manage.py", "worker"],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def wrk(url, script, seconds, connections, threads=2, env=None):
    env = os.environ | {"BENCH_WRK_DIR": str(WRK_DIR), "BENCH_THREADS": str(threads)} | (env or {})
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={WRK_DIR / script}",
        url,
    ]
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.monotonic() - started
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    line = next(line for line in result.stdout.splitlines() if line.startswith("WRK-JSON "))
    data = json.loads(line.removeprefix("WRK-JSON "))
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        statuses=data["statuses"],
        wrk_cpu_share=cpu / (wall * (os.cpu_count() or 1)),
    )


def sign_form(base_url, slug):
    """The fields a browser sends with the sign form, read from the petition page itself
    (kept by shared caches, so without a CSRF token), and a token with its cookie for the
    forms that have one (confirm), read from a page that is never cached."""
    with urlopen(f"{base_url}/en/p/{slug}/", timeout=10) as response:
        page = response.read().decode()
    form = re.search(r'<form[^>]*id="sign-form".*?</form>', page, re.S).group(0)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    fields = hidden | {
        "full_name": "Bench Signer",
        "country": "FR",
        "city": "Lyon",
        "consent_processing": "on",
        "show_name": "on",
    }
    with urlopen(f"{base_url}/en/p/{slug}/organisations/sign/", timeout=10) as response:
        token_page = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    cookie = "; ".join(header.split(";", 1)[0] for header in cookies if "csrftoken" in header)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', token_page).group(1)
    return urlencode(fields), cookie, token


def count_bench_signatures(env, run_id):
    script = (
        "import django; django.setup();"
        "from petition.models import Signature;"
        f"print(Signature.objects.filter(email__startswith='bench-{run_id}-').count())"
    )
    result = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return int(result.stdout.strip())


def drain_emails(stack, timeout):
    """Wait for the worker to send every queued email; (emails sent, seconds, left over).
    The read benchmarks then run on a quiet stack, and the backlog's drain rate is a figure
    of its own: how late confirmation emails are after a surge."""
    import psycopg

    query = "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
    started = time.monotonic()
    with psycopg.connect(database_url(stack.database), autocommit=True) as connection:
        while True:
            counts = dict(connection.execute(query).fetchall())
            left = counts.get("READY", 0) + counts.get("RUNNING", 0)
            if not left or time.monotonic() - started > timeout:
                return counts.get("SUCCESSFUL", 0), time.monotonic() - started, left
            time.sleep(0.5)
