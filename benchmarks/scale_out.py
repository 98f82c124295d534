# ruff: noqa: S603, S310 - runs our own commands and fetches our own loopback URLs
"""Scale-out: two gunicorn instances behind nginx, sharing PostgreSQL and Redis.

A sign load through nginx must spread over both instances; every acknowledged signature must
be stored, and counted exactly (what each instance serves as the count is what the database
holds); a rate limit counted in Redis must hold for one client across both instances, not
once per instance. `make bench` runs it last (benchmarks/run.py); on its own:

    python -m benchmarks.scale_out --quick      # the smoke tests/test_scale_out.py runs
"""

import argparse
import fcntl
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from benchmarks.stack import (
    PYTHON,
    ROOT,
    Server,
    Worker,
    chorus_env,
    count_bench_signatures,
    database_url,
    manage,
    recreate_database,
    sign_form,
    wait_for_port,
    wrk,
)

SLUG = "benchmark"
SEEDED = 1_000
# Low, so a burst of a few dozen requests crosses it; the production default is 60 a minute.
SIGNATORY_LIST_LIMIT = 20


@dataclass(frozen=True)
class ScaleOutStack:
    """Its own database, Redis db and ports, beside a run of benchmarks/run.py's stacks."""

    database: str
    nginx_port: int
    instance_ports: tuple
    redis_db: int

    @property
    def chorus_port(self):  # chorus_env's SITE_URL: the site is where nginx listens
        return self.nginx_port


FULL = ScaleOutStack("chorus_scale", 8750, (8751, 8752), 9)
SMOKE = ScaleOutStack("chorus_scale_smoke", 8760, (8761, 8762), 10)


def nginx_binary():
    # Debian puts it in /usr/sbin, which an unprivileged user's PATH often leaves out.
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def nginx_conf(stack, directory):
    """The proxy settings of docs/deploy.md's nginx section, on 127.0.0.1 over plain HTTP,
    with every path nginx writes (pid, logs, temp files, cache) under `directory`. Host is
    $host as there, so without the port: Chorus builds its absolute URLs from SITE_URL."""
    upstreams = "".join(f"        server 127.0.0.1:{port};\n" for port in stack.instance_ports)
    # Run as root, nginx would hand its workers to "nobody", who cannot write in var/bench.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = directory / "temp"
    return f"""{user}
worker_processes auto;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    proxy_cache_path {directory}/cache levels=1:2 keys_zone=chorus:10m max_size=100m
                     inactive=10m use_temp_path=off;

    upstream chorus {{
{upstreams}        keepalive 32;
    }}

    server {{
        listen 127.0.0.1:{stack.nginx_port};
        client_max_body_size 100m;

        location / {{
            proxy_pass http://chorus;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_cache chorus;
            proxy_cache_lock on;
            proxy_cache_background_update on;
            proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504;
            add_header X-Cache $upstream_cache_status always;
        }}
    }}
}}
"""


class Nginx:
    """Debian's nginx as an unprivileged foreground child, started and stopped around a block."""

    def __init__(self, stack, directory):
        self.stack, self.directory = stack, directory

    def __enter__(self):
        conf = self.directory / "nginx.conf"
        conf.write_text(nginx_conf(self.stack, self.directory))
        (self.directory / "temp").mkdir(exist_ok=True)
        # -e: the error log from the first line on, not Debian's /var/log/nginx.
        command = [nginx_binary(), "-p", str(self.directory), "-e", "nginx-error.log",
                   "-c", str(conf), "-g", "daemon off;"]  # fmt: skip
        # A bad configuration fails here with nginx's own message, not as a port never opened.
        subprocess.run([*command, "-t", "-q"], check=True, timeout=30)
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        try:
            wait_for_port(self.stack.nginx_port)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def one_run_at_a_time(stack):
    """Two runs on one stack would drop each other's database (pytest -n may run both smoke
    tests at once): the second waits for the first, which is bounded in time."""
    with open(ROOT / "var" / "bench" / f"{stack.database}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def served(log, method, path):
    """What one instance's access log shows for `method path` (no query string), by status."""
    pattern = re.compile(rf'"{method} {re.escape(path)} [^"]*" (\d{{3}}) ')
    return Counter(int(status) for status in pattern.findall(log.read_text()))


def wait_for_exact_counts(stack, run_id, timeout=30):
    """(signatures that count by COUNT(*), of which this run's, {port: count.json's total},
    seconds waited). Each instance is asked directly: nginx's cache would answer for both.
    count.json is kept a few seconds (PUBLIC_CACHE_SECONDS), so it may lag, but must not
    drift; rebuild_counts is not run, since it would hide a drift."""
    import psycopg

    query = """
        SELECT count(*), count(*) FILTER (WHERE s.email LIKE %s)
        FROM petition_signature s JOIN petition_petition p ON p.id = s.petition_id
        WHERE p.slug = %s AND s.status IN ('confirmed', 'approved')
    """
    started = time.monotonic()
    with psycopg.connect(database_url(stack.database), autocommit=True) as connection:
        while True:
            counted, ours = connection.execute(query, (f"bench-{run_id}-%", SLUG)).fetchone()
            by_port = {}
            for port in stack.instance_ports:
                url = f"http://127.0.0.1:{port}/en/p/{SLUG}/count.json"
                with urlopen(url, timeout=10) as answer:
                    by_port[port] = json.load(answer)["total"]
            waited = time.monotonic() - started
            if all(n == counted for n in by_port.values()) or waited > timeout:
                return counted, ours, by_port, waited
            time.sleep(0.5)


def burst_from_one_client(base, client, requests):
    """Statuses of signatory-list GETs through nginx from one client address, one after the
    other. Each has its own query string, so nginx's cache passes every one on."""
    # rate_limited counts per clock minute: a burst across two minutes would meet two limits.
    if 60 - time.time() % 60 < 10:
        time.sleep(60 - time.time() % 60 + 0.2)
    statuses = []
    for n in range(requests):
        url = f"{base}/en/p/{SLUG}/signatures/?burst={n}"
        try:
            with urlopen(Request(url, headers={"X-Forwarded-For": client}), timeout=10) as page:
                statuses.append(page.status)
        except HTTPError as error:
            statuses.append(error.code)
    return statuses


def per_port(counts):
    return ", ".join(f"{port}: {n}" for port, n in counts.items())


def scale_out(report, *, quick, run_id, seconds, connections):
    # run.py imports this module, so its helpers are imported when needed, not at the top.
    from benchmarks.run import confirmation_paths

    stack = SMOKE if quick else FULL
    directory = ROOT / "var" / "bench" / f"nginx-{run_id}"
    directory.mkdir(parents=True, exist_ok=True)
    logs = {port: directory / f"access-{port}.log" for port in stack.instance_ports}
    workers = min(2 * (os.cpu_count() or 1) + 1, 12)  # gunicorn.conf.py's default
    env = chorus_env(run_id, stack) | {
        "SIGNATORY_LIST_RATE_LIMIT": str(SIGNATORY_LIST_LIMIT),
        # Half the default each: together, the two instances use what one does in "sign".
        "WEB_CONCURRENCY": str(max(1, (workers + 1) // 2)),
    }
    base = f"http://127.0.0.1:{stack.nginx_port}"
    with one_run_at_a_time(stack), ExitStack() as running:
        recreate_database(stack.database)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        subprocess.run(
            [PYTHON, "-m", "benchmarks.seed", "--signatures", str(SEEDED), "--slug", SLUG],
            cwd=ROOT, env=env, check=True, timeout=300,
        )  # fmt: skip
        for port in stack.instance_ports:
            # Same SECRET_KEY, DATABASE_URL and CACHE_URL: only where it listens and logs differ.
            instance = env | {"BIND": f"127.0.0.1:{port}", "ACCESS_LOG": str(logs[port])}
            log = directory / f"gunicorn-{port}.log"
            running.enter_context(Server("config.wsgi", instance, port, log=log))
        running.enter_context(Worker(env, log=directory / "worker.log"))
        running.enter_context(Nginx(stack, directory))

        form, cookie, token = sign_form(base, SLUG)
        time.sleep(3)  # a person takes a few seconds to fill the form; so does the benchmark
        sign = wrk(
            f"{base}/en/p/{SLUG}/sign/", "post_form.lua", seconds, connections,
            env={"BENCH_FORM": form, "BENCH_RUN": run_id, "BENCH_ORIGIN": base},
        )  # fmt: skip
        signed = {port: served(logs[port], "POST", f"/en/p/{SLUG}/sign/").total() for port in logs}
        acknowledged, errors = sign.count("3"), sign.count("5")
        stored = count_bench_signatures(env, run_id)
        one_instance = next(
            (row["value"] for row in report.rows if row["name"].startswith("sign: signatures/s")),
            None,
        )
        report.add(
            "scale-out: signatures/s through nginx over two instances", sign.rate, "/s",
            reference=one_instance, note=f"requests per instance: {per_port(signed)}",
        )  # fmt: skip
        share = 100 * min(signed.values()) / max(1, sum(signed.values()))
        report.add(
            "scale-out: load spread over both instances", share, "%",
            floor=lambda share: share >= 30, note="the smaller instance's share of signing",
        )  # fmt: skip
        report.add(
            "scale-out: every acknowledged signature stored, zero 5xx",
            float(acknowledged > 0 and stored >= acknowledged and errors == 0), "ok",
            floor=lambda ok: ok == 1.0,
            note=f"{acknowledged} acknowledged, {stored} stored, {errors} 5xx",
        )  # fmt: skip

        # Confirm a batch through nginx: each instance then changes the shared counters.
        path_file = directory / "confirm.txt"
        if confirmation_paths(env, run_id, path_file, limit=acknowledged):
            wrk(
                base, "post_paths.lua", max(1, seconds // 4), connections,
                env={"BENCH_FORM": urlencode({"csrfmiddlewaretoken": token}),
                     "BENCH_COOKIE": cookie, "BENCH_PATHS": str(path_file)},
            )  # fmt: skip
        # One client (an address of its own per run) asks for more pages than the limit.
        client = f"10.250.{int(run_id[:2], 16)}.{int(run_id[2:4], 16)}"
        burst = burst_from_one_client(base, client, 2 * SIGNATORY_LIST_LIMIT + 10)
        # After the burst: its seconds let the cached counts expire meanwhile.
        counted, confirmed, by_port, waited = wait_for_exact_counts(stack, run_id)
        exact = confirmed > 0 and all(n == counted for n in by_port.values())
        report.add(
            "scale-out: counts exact", float(exact), "ok", floor=lambda ok: ok == 1.0,
            note=f"{confirmed} confirmed through nginx, {counted} counted in the database; "
            f"count.json {per_port(by_port)} after {waited:.1f} s",
        )  # fmt: skip

        lists = {port: served(logs[port], "GET", f"/en/p/{SLUG}/signatures/") for port in logs}
        allowed = burst.index(429) if 429 in burst else len(burst)
        expected = [200] * SIGNATORY_LIST_LIMIT + [429] * (len(burst) - SIGNATORY_LIST_LIMIT)
        # Shared means each instance refused the client before serving it the limit itself.
        both = all(0 < c[200] < SIGNATORY_LIST_LIMIT and c[429] for c in lists.values())
        report.add(
            "scale-out: rate limits shared", allowed, "req",
            floor=lambda allowed: burst == expected and both,
            note=f"limit {SIGNATORY_LIST_LIMIT}/min, {len(burst)} from one client: "
            + "; ".join(f"{port}: {c[200]} ok, {c[429]} × 429" for port, c in lists.items()),
        )  # fmt: skip
    checks = [row["passed"] for row in report.rows if row["name"].startswith("scale-out:")]
    if False not in checks:
        shutil.rmtree(directory)  # logs and the cache are kept only when a check failed
    else:
        print(f"Scale-out logs: {directory}", flush=True)


def main():
    from benchmarks.run import Report, machine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds of signing (a smoke)")
    parser.add_argument("--seconds", type=int, help="seconds of signing through nginx")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--output", type=Path, help="where to write the JSON results")
    options = parser.parse_args()
    if not (shutil.which("wrk") and nginx_binary()):
        sys.exit("wrk or nginx is missing: apt-get install wrk nginx (make bench installs them)")
    seconds = options.seconds or (3 if options.quick else 60)
    report = Report(machine(), vars(options) | {"seconds": seconds})
    run_id = secrets.token_hex(3)
    scale_out(
        report, quick=options.quick, run_id=run_id, seconds=seconds, connections=options.connections
    )
    if options.output:
        options.output.write_text(json.dumps(vars(report), indent=2, default=str))
    sys.exit(1 if any(row["passed"] is False for row in report.rows) else 0)


if __name__ == "__main__":
    main()
