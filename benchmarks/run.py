# ruff: noqa: S603, S310 - runs our own commands and fetches our own loopback URLs
"""make bench: Chorus measured against plain Django, on this machine, on a production-like stack.

Both apps run under the same gunicorn configuration (gunicorn.conf.py), one after the other,
against PostgreSQL; Chorus with Redis as its cache and the task worker running. wrk (Debian's
package) drives the load from 127.0.0.1; every figure is also given as a ratio to the reference
app's, since absolute numbers mean little on a shared machine. Prints a table and writes
var/bench/<time>.json.

    python -m benchmarks.run                 # the full run (1M signatures, 60 s of signing)
    python -m benchmarks.run --quick         # a smoke run: small data, seconds per row
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from benchmarks.scale_out import nginx_binary, scale_out
from benchmarks.stack import (
    FULL,
    PYTHON,
    ROOT,
    SMOKE,
    Server,
    Worker,
    chorus_env,
    count_bench_signatures,
    database_url,
    drain_emails,
    manage,
    recreate_database,
    reference_env,
    sign_form,
    wrk,
)


@dataclass
class Report:
    machine: dict
    options: dict
    rows: list = field(default_factory=list)

    def add(self, name, value, unit, floor=None, reference=None, goal=None, note=""):
        ratio = value / reference if reference else None
        passed = None if floor is None else floor(value)
        self.rows.append(
            {
                "name": name,
                "value": round(value, 2),
                "unit": unit,
                "reference": round(reference, 2) if reference else None,
                "ratio": round(ratio, 3) if ratio is not None else None,
                "goal": goal,
                "passed": passed,
                "note": note,
            }
        )
        mark = {None: " ", True: "✓", False: "✗"}[passed]
        ratio_text = f"{ratio:6.0%}" if ratio is not None else "      "
        print(f"{mark} {name:<58} {value:>10.1f} {unit:<6} {ratio_text}  {note}", flush=True)


def latency_ms(url, requests=200, *, rendered=True):
    """Median latency of sequential GETs: for ratios between two pages of the same app.
    `rendered`: a query string no one else asks for, so every request misses the page cache
    and the page is rendered from the database, which is what the size ratios are about."""
    timings = []
    for n in range(requests):
        if rendered:
            url = re.sub(r"[?&]bench=\d+$", "", url)
            url += ("&" if "?" in url else "?") + f"bench={n}"
        request = Request(url, headers={"X-Forwarded-For": f"10.99.{n // 256 % 256}.{n % 256}"})
        started = time.perf_counter()
        with urlopen(request, timeout=10) as response:
            response.read()
        timings.append(time.perf_counter() - started)
    timings.sort()
    return timings[len(timings) // 2] * 1000


def wrk_with_cpu(server, url, script, seconds, connections):
    """wrk's load, and the CPU the gunicorn workers used meanwhile per request, in ms."""
    cpu_before = server.worker_cpu_seconds()
    load = wrk(url, script, seconds, connections)
    return load, (server.worker_cpu_seconds() - cpu_before) * 1000 / max(1, load.requests)


def last_row_before_page(stack, slug, page, per_page=50):
    """The UUID the "Next" link of page `page - 1` carries (petition/views/public.py)."""
    import psycopg

    query = """
        SELECT s.uuid FROM petition_signature s JOIN petition_petition p ON p.id = s.petition_id
        WHERE p.slug = %s AND s.status IN ('confirmed', 'approved')
        ORDER BY s.confirmed_at DESC, s.id DESC OFFSET %s LIMIT 1
    """
    with psycopg.connect(database_url(stack.database)) as connection:
        return connection.execute(query, (slug, (page - 1) * per_page - 1)).fetchone()[0]


def confirmation_paths(env, run_id, path_file, limit):
    script = (
        "import sys, django; django.setup();"
        "from django.urls import reverse; from petition.models import Signature;"
        f"rows = Signature.objects.filter(email__startswith='bench-{run_id}-', status='pending')"
        f"[:{limit}];"
        "sys.stdout.write(''.join(reverse('petition:confirm', args=[s.make_token('confirm')])"
        " + '\\n' for s in rows))"
    )
    result = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    path_file.write_text(result.stdout)
    return result.stdout.count("\n")


def machine():
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": sys.version.split()[0],
        "platform": os.uname().release,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, short runs (a smoke)")
    parser.add_argument("--signatures", type=int)
    parser.add_argument("--seconds", type=int, help="seconds per read benchmark")
    parser.add_argument("--sign-seconds", type=int)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--output", type=Path, help="where to write the JSON results")
    parser.add_argument(
        "--no-scale-out", action="store_true", help="skip the two-instance run behind nginx"
    )
    options = parser.parse_args()
    signatures = options.signatures or (20_000 if options.quick else 1_000_000)
    seconds = options.seconds or (2 if options.quick else 20)
    sign_seconds = options.sign_seconds or (3 if options.quick else 60)
    connections = options.connections
    samples = 40 if options.quick else 200  # sequential requests per latency ratio
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it)")
    if not nginx_binary() and not options.no_scale_out:
        sys.exit("nginx is missing: apt-get install nginx (make bench installs it)")

    run_id = secrets.token_hex(3)
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    report = Report(machine(), vars(options) | {"signatures": signatures})
    print(f"Chorus benchmark, run {run_id}: {report.machine}", flush=True)

    # The reference: plain Django, same gunicorn settings, same PostgreSQL.
    stack = SMOKE if options.quick else FULL
    recreate_database(f"{stack.database}_reference")
    ref_env = reference_env(stack)
    subprocess.run(
        [PYTHON, "-m", "django", "migrate", "-v0"], cwd=ROOT, env=ref_env, check=True
    )  # fmt: skip
    ref_url = f"http://127.0.0.1:{stack.reference_port}"
    with Server("benchmarks.reference.wsgi", ref_env, stack.reference_port):
        ref_insert = wrk(
            f"{ref_url}/insert/", "post_form.lua", seconds, connections,
            env={"BENCH_FORM": "name=Bench+Signer&country=FR", "BENCH_RUN": run_id},
        )  # fmt: skip
        ref_page = wrk(f"{ref_url}/page/", "get.lua", seconds, connections)
        ref_json = wrk(f"{ref_url}/count.json", "get.lua", seconds, connections)

    # Chorus: production settings, Redis cache, the task worker.
    recreate_database(stack.database)
    env = chorus_env(run_id, stack)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    for slug, count in (("benchmark", signatures), ("benchmark-small", 1_000)):
        subprocess.run(
            [PYTHON, "-m", "benchmarks.seed", "--signatures", str(count), "--slug", slug],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{stack.chorus_port}"
    with Server("config.wsgi", env, stack.chorus_port) as server, Worker(env):
        form, cookie, token = sign_form(base, "benchmark")
        time.sleep(3)  # a person takes a few seconds to fill the form; so does the benchmark
        load_started = time.monotonic()
        sign = wrk(
            f"{base}/en/p/benchmark/sign/", "post_form.lua", sign_seconds, connections,
            env={"BENCH_FORM": form, "BENCH_RUN": run_id, "BENCH_ORIGIN": base},
        )  # fmt: skip
        acknowledged = sign.count("3")
        stored = count_bench_signatures(env, run_id)
        report.add(
            "sign: signatures/s (form POST, full stack)", sign.rate, "/s",
            floor=lambda rate: rate >= 330, reference=ref_insert.rate, goal=">= 50% of bare insert",
            note=f"{acknowledged} acknowledged, {stored} stored, {sign.count('5')} 5xx, "
            f"wrk CPU {sign.wrk_cpu_share:.0%}",
        )  # fmt: skip
        report.add(
            "sign: every acknowledged signature stored, zero 5xx",
            float(stored >= acknowledged and sign.count("5") == 0), "ok",
            floor=lambda ok: ok == 1.0,
        )  # fmt: skip

        # The emails queued by signing: sent during the load and after it. Confirming is
        # measured once they are all out, so that its row measures confirming alone.
        sent, waited, left = drain_emails(stack, timeout=600)
        report.add(
            "emails: sent per second by one worker, load and backlog", sent /
            (time.monotonic() - load_started), "/s",
            note=f"{sent} sent, the last {waited:.0f} s after the load; {left} left",
        )  # fmt: skip

        path_file = out_dir / f"confirm-{run_id}.txt"
        confirmable = confirmation_paths(env, run_id, path_file, limit=acknowledged)
        confirm_form = urlencode({"csrfmiddlewaretoken": token})
        confirm = wrk(
            base, "post_paths.lua", max(1, min(sign_seconds, seconds)), connections,
            env={"BENCH_FORM": confirm_form, "BENCH_COOKIE": cookie,
                 "BENCH_PATHS": str(path_file)},
        )  # fmt: skip
        report.add(
            "confirm: POST/s", confirm.rate, "/s", floor=lambda rate: rate >= 330,
            reference=ref_insert.rate, goal=">= 50% of bare insert",
            note=f"{confirmable} links, {confirm.count('5')} 5xx",
        )  # fmt: skip

        page, page_cpu_ms = wrk_with_cpu(
            server, f"{base}/en/p/benchmark/", "get.lua", seconds, connections
        )
        report.add(
            f"petition page at {signatures:,} signatures: req/s", page.rate, "/s",
            floor=lambda rate: rate >= 800, reference=ref_page.rate,
            goal=">= 50% of bare page",
            note=f"p95 {page.p95_ms:.1f} ms; gunicorn CPU per request {page_cpu_ms:.3f} ms",
        )  # fmt: skip
        report.add(
            "petition page: p95 latency at 16 connections", page.p95_ms, "ms",
            floor=lambda ms: ms <= 50, reference=ref_page.p95_ms,
        )  # fmt: skip
        # The same page read by a crowd of many browsers' Accept-Language headers: the public
        # copy is kept per language the page is rendered in, not per header.
        crowd, crowd_cpu_ms = wrk_with_cpu(
            server, f"{base}/en/p/benchmark/", "get_languages.lua", seconds, connections
        )
        report.add(
            "petition page, a crowd's Accept-Language headers: req/s", crowd.rate, "/s",
            floor=lambda rate: rate >= 800, reference=ref_page.rate,
            goal="as with one Accept-Language",
            note=f"{crowd.rate / page.rate:.0%} of the one-language rate; p95 "
            f"{crowd.p95_ms:.1f} ms; gunicorn CPU per request {crowd_cpu_ms:.3f} ms vs "
            f"{page_cpu_ms:.3f} ms",
        )  # fmt: skip
        count = wrk(f"{base}/en/p/benchmark/count.json", "get.lua", seconds, connections)
        report.add(
            "count JSON: req/s", count.rate, "/s", floor=lambda rate: rate >= 2500,
            reference=ref_json.rate, goal=">= 70% of bare JSON",
        )  # fmt: skip

        for path, name in (("", "petition page"), ("countries/", "per-country breakdown")):
            large = latency_ms(f"{base}/en/p/benchmark/{path}", samples)
            small = latency_ms(f"{base}/en/p/benchmark-small/{path}", samples)
            report.add(
                f"{name}: latency at {signatures:,} vs 1,000 signatures", large / small, "x",
                floor=lambda ratio: ratio <= 1.3, goal="1.0",
                note=f"{large:.1f} ms vs {small:.1f} ms",
            )  # fmt: skip
        last_page = min(5000, max(1, signatures // 50))
        # Page 5,000 as a reader reaches it: by "Next", whose link names the last row shown.
        after = last_row_before_page(stack, "benchmark", last_page)
        deep_url = f"{base}/en/p/benchmark/signatures/?page={last_page}&after={after}"
        deep = latency_ms(deep_url, samples // 4)
        first = latency_ms(f"{base}/en/p/benchmark/signatures/", samples // 4)
        report.add(
            f"signatory list: page {last_page} vs page 1", deep / first, "x",
            floor=lambda ratio: ratio <= 1.5, goal="1.0",
            note=f"{deep:.1f} ms vs {first:.1f} ms",
        )  # fmt: skip
        by_number = latency_ms(f"{base}/en/p/benchmark/signatures/?page={last_page}", samples // 4)
        report.add(
            f"signatory list: page {last_page} by its number alone vs page 1",
            by_number / first, "x", note=f"{by_number:.1f} ms (OFFSET)",
        )  # fmt: skip
        sizes = server.worker_rss_mb()
        report.add(
            "gunicorn worker memory after the run (largest)", max(sizes), "MB",
            floor=lambda mb: mb <= 150, note=" ".join(f"{size:.0f}" for size in sizes),
        )  # fmt: skip

    # Two instances behind nginx: spread, exact counts, shared rate limits.
    if not options.no_scale_out:
        scale_out(
            report, quick=options.quick, run_id=run_id, seconds=sign_seconds,
            connections=connections,
        )  # fmt: skip

    result_file = options.output or out_dir / f"{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    result_file.write_text(json.dumps(vars(report), indent=2, default=str))
    failed = [row["name"] for row in report.rows if row["passed"] is False]
    print(f"\nResults: {result_file}")
    if failed and not options.quick:
        print("Below the floor: " + "; ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
