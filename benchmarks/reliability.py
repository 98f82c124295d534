# ruff: noqa: S603 - runs our own commands
"""make reliability: faults injected while a crowd signs and reads, on a private stack.

PostgreSQL restarted, Redis killed and refusing writes (OOM, MISCONF, READONLY), gunicorn
reloaded (HUP) and stopped (TERM), the mail server down, then the backup drill (pg_dump,
restore, migrate --check, counts and checksums). Every service broken here is the run's
own (benchmarks/faults.py). Prints one line per check, writes var/reliability/<time>.json,
exits 1 if any check failed.

    python -m benchmarks.reliability            # the full run (about 7 minutes)
    python -m benchmarks.reliability --quick    # a smoke run: small data, seconds per fault
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.backup_drill import DATABASE, scenario_backup
from benchmarks.faults import (
    FULL,
    QUICK,
    Crowd,
    PrivateCluster,
    PrivateRedis,
    Site,
    SmtpSink,
    Supervised,
    burst,
    postgres_bin,
    until_success,
)
from benchmarks.run import Report, machine
from benchmarks.stack import (
    PYTHON,
    ROOT,
    Server,
    Stack,
    Worker,
    chorus_env,
    manage,
    recreate_database,
    sign_form,
)

SLUG = "reliability"
RECOVERY_SECONDS = 10  # the bound: the site works again this soon after PostgreSQL
STUCK_SECONDS = 5  # an email task RUNNING this long has lost its worker (sending takes ms)


@dataclass
class Run:
    report: Report
    site: Site
    env: dict
    stack: Stack
    cluster: PrivateCluster
    redis: PrivateRedis
    sink: SmtpSink
    seconds: float  # of load before and after each fault
    quick: bool
    directory: Path
    acknowledged: set = field(default_factory=set)  # by every scenario: emailed at the end?

    def query(self, sql, params=(), database=DATABASE):
        import psycopg

        with psycopg.connect(self.cluster.url(database), autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def prefix(self, tag):
        return f"bench-{self.site.run_id}-{tag}-"


def summary(outcomes):
    """What the crowd got back, e.g. 200×40 302×120 503×3 ConnectionRefusedError×2."""
    counts = Counter(str(o.status or o.error) for o in outcomes)
    return " ".join(f"{status}×{n}" for status, n in sorted(counts.items()))


def must_be_zero(report, name, count, unit, note=""):
    report.add(name, count, unit, floor=lambda n: n == 0, note=note)


def check_writes(run, name, outcomes, tag, *, allow_503=False):
    """The rows every scenario shares: no acknowledged signature missing from the database,
    and no 5xx (or, while PostgreSQL is away, no 5xx but a 503 with Retry-After)."""
    acknowledged = {o.email for o in outcomes if o.acknowledged}
    run.acknowledged |= acknowledged
    rows = run.query(
        "SELECT email FROM petition_signature WHERE email LIKE %s", [f"{run.prefix(tag)}%"]
    )
    stored = {email for (email,) in rows}
    lost = acknowledged - stored
    must_be_zero(
        run.report, f"{name}: acknowledged signatures missing from the database", len(lost),
        "lost", note=f"{len(acknowledged)} acknowledged, {len(stored)} stored"
        + (f"; lost e.g. {sorted(lost)[:3]}" if lost else ""),
    )  # fmt: skip
    failed = [o for o in outcomes if (o.status or 0) >= 500]
    if allow_503:
        failed = [o for o in failed if not (o.status == 503 and o.retry_after)]
    must_be_zero(
        run.report, f"{name}: " + ("5xx other than 503 with Retry-After" if allow_503 else "5xx"),
        len(failed), "5xx", note=summary(outcomes),
    )  # fmt: skip
    return acknowledged, stored


def scenario_writes(run):
    crowd = Crowd(run.site, "writes")
    with crowd:
        time.sleep(2 * run.seconds)
    check_writes(run, "writes", crowd.outcomes, "writes")

    # The same mailbox from many tabs at once, in the variants canonicalisation folds.
    email = f"{run.prefix('dup')}1@example.org"
    variants = [email, email.upper(), email.replace("@", "+again@")]
    attempts = [
        lambda n=n: run.site.sign("dup", variants[n % 3]) for n in range(20 if run.quick else 50)
    ]
    outcomes = burst(attempts)
    stored = run.query("SELECT email FROM petition_signature WHERE email_canonical = %s", [email])
    run.acknowledged |= {stored_email.lower() for (stored_email,) in stored}  # the variant kept
    run.report.add(
        f"duplicates: {len(attempts)} concurrent POSTs of one address, rows stored",
        len(stored), "rows",
        floor=lambda n: n == 1, note=summary(outcomes),
    )  # fmt: skip
    must_be_zero(
        run.report, "duplicates: 5xx", sum((o.status or 0) >= 500 for o in outcomes), "5xx"
    )


def scenario_postgres(run, server):
    master = server.process.pid
    crowd = Crowd(run.site, "pg")
    with crowd:
        time.sleep(run.seconds)
        run.cluster.restart()
        # From the moment PostgreSQL accepts connections again: how long until a signature
        # is stored and a page rendered from the database, by the same gunicorn.
        (sign_s, signs), (read_s, reads) = burst([
            lambda: until_success(lambda: run.site.sign("pg"), timeout=30),
            lambda: until_success(lambda: run.site.read(rendered=True), timeout=30),
        ])  # fmt: skip
        time.sleep(run.seconds)
    outcomes = crowd.outcomes + signs + reads
    unavailable = [o for o in outcomes if o.status == 503]
    # How long visitors saw the 503 page: from the first such request to the last answer.
    outage = (
        max(o.ended for o in unavailable) - min(o.started for o in unavailable)
        if unavailable
        else 0
    )
    check_writes(run, "postgres restart", outcomes, "pg", allow_503=True)
    for what, seconds, tries in (
        ("a signature stored", sign_s, signs),
        ("a page rendered", read_s, reads),
    ):
        run.report.add(
            f"postgres restart: seconds until {what} again", seconds, "s",
            floor=lambda s: s <= RECOVERY_SECONDS,
            note=f"<= {RECOVERY_SECONDS} s; tries: {summary(tries)}",
        )  # fmt: skip
    run.report.add(
        "postgres restart: the same gunicorn master serving throughout",
        float(server.process.poll() is None and server.process.pid == master), "ok",
        floor=lambda ok: ok == 1.0, note=f"{len(unavailable)} friendly 503s over {outage:.1f} s",
    )  # fmt: skip
    # Half-written data: a stored signature of the run lacking what signing always sets.
    broken = run.query(
        "SELECT count(*) FROM petition_signature WHERE email LIKE %s AND (email_canonical = ''"
        " OR full_name = '' OR consent_version = '' OR consented_at IS NULL OR ip_hash = ''"
        " OR language = '' OR emails_sent < 1)",
        [f"{run.prefix('pg')}%"],
    )[0][0]
    must_be_zero(run.report, "postgres restart: signatures stored half-written", broken, "rows")


def scenario_redis(run, server, fault="stopped"):
    """Redis killed then started again empty ("stopped"), or refusing writes then put right
    (PrivateRedis.REFUSALS; on a warm cache, so no load before): no request may fail, the
    warning comes once a minute per worker, not per request, and Redis is used again."""
    stopped, tag, log = fault == "stopped", f"redis-{fault}", run.directory / "gunicorn.log"
    name = "redis stopped" if stopped else f"redis {fault.upper()}"
    warned, started = log.read_text(errors="replace").count("Cache unavailable"), time.monotonic()
    workers = worker_pids(server)  # after a HUP, old ones may still serve: count them too
    with Crowd(run.site, tag) as crowd:
        time.sleep(run.seconds if stopped else 0)
        answer = run.redis.kill() if stopped else run.redis.refuse_writes(fault)
        down, refused_before = time.monotonic(), run.redis.sets()[1]
        time.sleep(run.seconds)
        up, refused = time.monotonic(), run.redis.sets()[1] - refused_before
        run.redis.start() if stopped else run.redis.accept_writes(fault)
        executed = run.redis.sets()[0]
        time.sleep(run.seconds)
    for _ in range(5):  # page copies go (back) into Redis
        run.site.read()
    check_writes(run, name, crowd.outcomes, tag)
    during = [o for o in crowd.outcomes if down <= o.started and o.ended <= up]
    served = Counter(o.kind for o in during if o.succeeded)
    meanwhile = "without Redis" if stopped else f"while Redis refused {refused} SETs ({answer})"
    must_be_zero(
        run.report, f"{name}: requests failed while Redis " + ("was down" if stopped else
        "refused writes"), sum(not o.succeeded for o in during), "failed",
        note=f"{served['sign']} signatures, {served['read']} pages served {meanwhile}"[:160],
    )  # fmt: skip
    warnings = log.read_text(errors="replace").count("Cache unavailable") - warned
    workers |= worker_pids(server)
    allowed = len(workers) * (1 + int((time.monotonic() - started) // 60))
    run.report.add(
        f"{name}: warnings logged, once a minute per worker", warnings, "lines",
        floor=lambda n: n <= allowed, note=f"<= {allowed}",
    )  # fmt: skip
    run.report.add(
        ("redis restarted" if stopped else f"{name} put right") + ": used again (SETs done)",
        run.redis.sets()[0] - executed, "SETs", floor=lambda n: n > 0,
    )  # fmt: skip


def worker_retries(run):
    log = run.directory / "worker.log"
    return log.read_text(errors="replace").count("retried in") if log.exists() else 0


def scenario_email(run):
    wait_for_emails(run, timeout=600)  # the queue empty: only this scenario's emails fail
    retries_before = worker_retries(run)
    run.sink.stop()
    people = 5 if run.quick else 20
    outcomes = [run.site.sign("mail") for _ in range(people)]
    acknowledged, _stored = check_writes(run, "email failing", outcomes, "mail")
    time.sleep(run.seconds)  # the worker tries, fails, and schedules the next attempts
    retries = worker_retries(run) - retries_before
    run.report.add(
        "email failing: sending attempts failed and rescheduled", retries, "tries",
        floor=lambda n: n >= len(acknowledged), note=f"{len(acknowledged)} emails waiting",
    )  # fmt: skip
    run.sink.start()
    back = time.monotonic()
    while time.monotonic() - back < 60 and not all(run.sink.count(e) for e in acknowledged):
        time.sleep(0.1)
    arrived = time.monotonic() - back
    time.sleep(2)  # a duplicate sent late would show now
    counts = [run.sink.count(e) for e in acknowledged]
    run.report.add(
        "email recovered: every confirmation email delivered exactly once",
        float(len(acknowledged) == people and counts == [1] * people), "ok",
        floor=lambda ok: ok == 1.0,
        note=f"{sum(counts)} emails to {people} signers, the last {arrived:.1f} s after the "
        "mail server came back",
    )  # fmt: skip


def worker_pids(server):
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    return set(children.read_text().split())


def scenario_hup(run, server):
    before = worker_pids(server)
    crowd = Crowd(run.site, "hup")
    with crowd:
        time.sleep(run.seconds)
        server.process.send_signal(signal.SIGHUP)
        time.sleep(max(run.seconds, 3))  # new workers boot, old ones finish their requests
    replaced = len(before - worker_pids(server))
    check_writes(run, "gunicorn HUP", crowd.outcomes, "hup")
    must_be_zero(
        run.report, "gunicorn HUP: requests left without an answer",
        sum(o.status is None for o in crowd.outcomes), "failed",
        note=f"{replaced} of {len(before)} workers replaced",
    )  # fmt: skip


def scenario_term(run, server):
    crowd = Crowd(run.site, "term")
    with crowd:
        time.sleep(run.seconds)
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        code = server.process.wait(timeout=60)
        stopped = time.monotonic() - signalled
        time.sleep(min(run.seconds, 1))  # connections refused from now on: expected
    check_writes(run, "gunicorn TERM", crowd.outcomes, "term")
    in_flight = [o for o in crowd.outcomes if o.started < signalled < o.ended]
    answered = sum(o.status is not None for o in in_flight)
    run.report.add(
        "gunicorn TERM: graceful stop, requests in flight answered", stopped, "s",
        floor=lambda _s: code == 0 and answered == len(in_flight),
        note=f"exit {code}, {answered} of {len(in_flight)} in flight answered",
    )  # fmt: skip


def wait_for_emails(run, timeout):
    """Wait until the worker has sent every queued email, retries included. A task RUNNING
    for STUCK_SECONDS is not waited for: its worker died with it (see check_emails)."""
    query = (
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
        " OR (status = 'RUNNING' AND started_at > now() - %s)"
    )
    deadline = time.monotonic() + timeout
    while run.query(query, [timedelta(seconds=STUCK_SECONDS)])[0][0]:
        if time.monotonic() > deadline:
            return
        time.sleep(0.5)


def abandoned_signers(run):
    """Signers whose email task is still RUNNING long after it started: the worker running
    it died (django-tasks-db's own db_worker did, on a lost connection) and nothing ran it again."""
    rows = run.query(
        "SELECT s.email FROM django_tasks_database_dbtaskresult t JOIN petition_signature s"
        " ON s.id = (t.args_kwargs -> 'args' ->> 1)::bigint"
        " WHERE t.status = 'RUNNING' AND t.started_at <= now() - %s"
        " AND t.args_kwargs -> 'args' ->> 0 = 'signature'",
        [timedelta(seconds=STUCK_SECONDS)],
    )
    return {email.lower() for (email,) in rows}


def check_emails(run, worker):
    """Every signer told to check their email got the confirmation email (at the end, once
    the worker has sent what the faults delayed)."""
    wait_for_emails(run, timeout=600)
    abandoned = abandoned_signers(run)
    missing = {e for e in run.acknowledged if not run.sink.count(e)}
    lost = missing & abandoned
    # Lost: told to check their email, and the task that would have sent it abandoned.
    must_be_zero(
        run.report, "postgres restart: confirmation emails lost with an abandoned task",
        len(lost), "lost", note=f"{len(abandoned)} email tasks left RUNNING; the worker exited "
        f"{worker.restarts} times (restarted, as by systemd's Restart=always)",
    )  # fmt: skip
    must_be_zero(
        run.report, "every acknowledged signer got the confirmation email (abandoned aside)",
        len(missing - lost), "missing", note=f"{len(run.acknowledged)} signers"
        + (f"; e.g. {sorted(missing - lost)[:3]}" if missing - lost else ""),
    )  # fmt: skip


def timed(report, scenario, *args):
    started = time.monotonic()
    scenario(*args)
    name = "_".join([scenario.__name__, *(arg for arg in args if isinstance(arg, str))])
    report.durations[name] = round(time.monotonic() - started, 1)


def prepare(run_id, ports, cluster, seed):
    """The run's database in the private cluster, migrated and seeded; Chorus's environment."""
    # stack.py names its databases from BENCH_DATABASE_URL: here, the private cluster, so
    # recreate_database and drain_emails work on it as they do for make bench.
    os.environ["BENCH_DATABASE_URL"] = cluster.url("postgres")
    stack = Stack(DATABASE, ports.chorus, reference_port=0, redis_db=0)
    recreate_database(DATABASE)
    env = chorus_env(run_id, stack) | {
        "CACHE_URL": f"rediscache://127.0.0.1:{ports.redis}/0",
        "EMAIL_URL": f"smtp://127.0.0.1:{ports.smtp}",
        "EMAIL_RETRY_DELAYS": "1,2,3,5,8",  # seconds, not the production hours
        "LOG_LEVEL": "WARNING",
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    subprocess.run(
        [PYTHON, "-m", "benchmarks.seed", "--signatures", str(seed), "--slug", SLUG],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return stack, env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, seconds per fault")
    parser.add_argument("--seconds", type=float, help="seconds of load before and after a fault")
    parser.add_argument("--output", type=Path, help="where to write the JSON results")
    options = parser.parse_args()
    seconds = options.seconds or (1.2 if options.quick else 10)
    seed = 2_000 if options.quick else 100_000
    tools = ("redis-server", "runuser") if os.geteuid() == 0 else ("redis-server",)
    missing = [tool for tool in tools if not shutil.which(tool)]
    if not postgres_bin():
        missing.append("PostgreSQL's initdb (set PG_BIN)")
    if missing:
        sys.exit(f"missing: {', '.join(missing)}")

    run_id = secrets.token_hex(3)
    ports = QUICK if options.quick else FULL
    directory = ROOT / "var" / "reliability" / ports.name
    report = Report(machine(), vars(options) | {"seconds": seconds, "signatures": seed})
    report.durations = {}  # seconds each scenario took, for tuning --quick
    print(f"Chorus reliability run {run_id}: {report.machine}", flush=True)
    with ExitStack() as services:
        cluster = services.enter_context(PrivateCluster(directory / "postgres", ports.postgres))
        redis = services.enter_context(PrivateRedis(ports.redis, directory / "redis.log"))
        sink = services.enter_context(SmtpSink(ports.smtp))
        stack, env = prepare(run_id, ports, cluster, seed)
        for log in ("gunicorn.log", "worker.log"):
            (directory / log).write_bytes(b"")
        worker = Supervised(Worker(env, log=directory / "worker.log"))
        server = Server("config.wsgi", env, ports.chorus, log=directory / "gunicorn.log")
        with worker, server:
            form, _cookie, _token = sign_form(f"http://127.0.0.1:{ports.chorus}", SLUG)
            site = Site(ports.chorus, SLUG, form, run_id)
            # Each gunicorn worker's first requests load templates and catalogues: done
            # while a person would be filling in the form, so faults meet a warm site.
            burst([site.read] * 10)
            time.sleep(3)
            run = Run(report, site, env, stack, cluster, redis, sink, seconds, options.quick,
                      directory)  # fmt: skip
            timed(report, scenario_writes, run)
            timed(report, scenario_postgres, run, server)
            timed(report, scenario_redis, run, server)
            timed(report, scenario_email, run)
            timed(report, scenario_hup, run, server)
            for refusal in PrivateRedis.REFUSALS:
                timed(report, scenario_redis, run, server, refusal)
            timed(report, scenario_term, run, server)
            timed(report, check_emails, run, worker)
        # The worker has stopped too: the database is quiet, so copy and source must match.
        timed(report, scenario_backup, run)

    result_file = options.output or directory.parent / f"{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    result_file.write_text(json.dumps(vars(report), indent=2, default=str))
    failed = [row["name"] for row in report.rows if row["passed"] is False]
    print(f"\nResults: {result_file}; logs: {directory}")
    if failed:
        print("Failed: " + "; ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
