# ruff: noqa: S603 - runs our own commands
"""The backup drill of make reliability: pg_dump, restore into a new database, migrate
--check, then the rows and checksums of every petition table and a recount compared."""

import hashlib
import subprocess
import time

from benchmarks.stack import PYTHON, ROOT

DATABASE = "chorus_rel"
RESTORED = "chorus_rel_restored"


def table_fingerprints(run, database):
    """Per table of the petition app: rows and the md5 of an export ordered by whole rows."""
    import psycopg
    from psycopg import sql

    fingerprints = {}
    with psycopg.connect(run.cluster.url(database)) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename LIKE 'petition\\_%' ORDER BY 1"
        ).fetchall()
        for (table,) in tables:
            digest, rows = hashlib.md5(usedforsecurity=False), 0
            export = sql.SQL("COPY (SELECT * FROM {} t ORDER BY t::text) TO STDOUT")
            with connection.cursor().copy(export.format(sql.Identifier(table))) as copy:
                for chunk in copy:
                    digest.update(chunk)
                    rows += bytes(chunk).count(b"\n")
            fingerprints[table] = (rows, digest.hexdigest())
    return fingerprints


def scenario_backup(run):
    dump = run.directory / "chorus.dump"
    started = time.monotonic()
    run.cluster.tool("pg_dump", "--format=custom", f"--file={dump}", DATABASE)
    dumped = time.monotonic() - started
    run.cluster.tool("createdb", RESTORED)
    run.cluster.tool("pg_restore", "--no-owner", f"--dbname={RESTORED}", dump)
    restored = time.monotonic() - started - dumped
    env = run.env | {"DATABASE_URL": run.cluster.url(RESTORED)}
    check = subprocess.run(
        [PYTHON, "manage.py", "migrate", "--check"], cwd=ROOT, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    run.report.add(
        "backup: pg_dump, restore into a new database, migrate --check", dumped + restored, "s",
        floor=lambda _s: check.returncode == 0,
        note=f"dump {dumped:.1f} s, {dump.stat().st_size / 2**20:.1f} MB; restore "
        f"{restored:.1f} s; migrate --check exit {check.returncode} {check.stdout[-200:]}",
    )  # fmt: skip
    source, copy = table_fingerprints(run, DATABASE), table_fingerprints(run, RESTORED)
    differing = [table for table in source if source[table] != copy.get(table)]
    run.report.add(
        "backup: row counts and checksums of every petition table match", len(differing),
        "tables", floor=lambda n: n == 0 and len(source) == len(copy) > 0,
        note=f"{len(source)} tables, {sum(rows for rows, _ in source.values()):,} rows"
        + (f"; differ: {differing}" if differing else ""),
    )  # fmt: skip
    recount = subprocess.run(
        [PYTHON, "manage.py", "rebuild_counts"], cwd=ROOT, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    drift = recount.stdout.strip()
    run.report.add(
        "backup: rebuild_counts on the restored database finds no drift",
        float(recount.returncode == 0 and not drift), "ok", floor=lambda ok: ok == 1.0,
        note=drift[:200],
    )  # fmt: skip
