# ruff: noqa: S603, S607 - runs our own commands against our own loopback services
"""What `make reliability` breaks on purpose, and the crowd that keeps using the site meanwhile.

The run owns every service it breaks: a PostgreSQL cluster in var/reliability/, a Redis
server and a mail server (a small SMTP sink in a thread), each on ports of its own, so a
restart or a kill never touches the system services other runs and tests share.
"""

import http.client
import itertools
import os
import re
import shutil
import socket
import socketserver
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.stack import wait_for_port


@dataclass(frozen=True)
class Ports:
    """Where one run's private services listen: a quick run (make test) has its own, so it
    can go on while a full run does."""

    name: str
    chorus: int
    postgres: int
    redis: int
    smtp: int


FULL = Ports("full", 8751, 5439, 6390, 8025)
QUICK = Ports("quick", 8761, 5449, 6391, 8026)


def postgres_bin():
    """The directory of initdb, pg_ctl, pg_dump…: PG_BIN, else the newest Debian install
    (its /usr/bin wrappers pick a cluster, not a version), else whatever is on PATH."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PrivateCluster:
    """A throwaway PostgreSQL cluster, created afresh for each run, trust auth on 127.0.0.1."""

    def __init__(self, directory, port):
        self.directory, self.port = directory, port
        self.data = directory / "data"
        self.bin = postgres_bin()

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def tool(self, name, *args, **kwargs):
        """A client tool (pg_dump, createdb…) against this cluster, as the caller."""
        command = [
            self.bin / name,
            "--host=127.0.0.1",
            f"--port={self.port}",
            "--username=postgres",
        ]
        return subprocess.run([*command, *args], check=True, capture_output=True, **kwargs)

    def _server(self, *args, check=True):
        # initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
        as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_owner, *args], check=check, capture_output=True)

    def pg_ctl(self, action, *args):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.directory}"
        )
        log = self.directory / "postgres.log"
        self._server(
            self.bin / "pg_ctl", action, "-D", self.data, "-w", "-l", log, "-o", options, *args
        )  # fmt: skip

    def __enter__(self):
        if (self.data / "postmaster.pid").exists():  # left running by an interrupted run
            self._server(
                self.bin / "pg_ctl", "stop", "-D", self.data, "-m", "immediate", check=False
            )
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        # --no-sync only skips flushing the new cluster's files; the server itself runs with
        # fsync on, as in production, so a restart loses nothing that was committed.
        self._server(
            self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.pg_ctl("start")
        return self

    def restart(self):
        self.pg_ctl("restart", "-m", "fast")

    def __exit__(self, *exc):
        self.pg_ctl("stop", "-m", "fast")


class PrivateRedis:
    """redis-server without persistence: killing it loses the cache, as an outage would.

    `refuse_writes` puts it in a state where production's Redis is up but refuses writes,
    `accept_writes` puts it right as an operator would:

    - "oom": full, `maxmemory` reached under `noeviction`; then `maxmemory` raised;
    - "misconf": a snapshot failed with `stop-writes-on-bgsave-error yes` (`dump.rdb` is a
      directory: renaming the new snapshot onto it fails, as root too); then the data
      folder fixed and a snapshot taken;
    - "readonly": a replica, as a primary becomes after a failover (here of a primary that
      cannot be reached: it keeps its data and serves reads); then promoted again.
    """

    REFUSALS = {"oom": "OutOfMemoryError", "misconf": "MISCONF", "readonly": "ReadOnlyError"}

    def __init__(self, port, log):
        self.port, self.log = port, log
        self.directory = log.parent / "redis"  # where a snapshot goes

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
                stdout=log, stderr=log,
            )  # fmt: skip
        wait_for_port(self.port)
        # Another Redis on the port (ours then exits): never break a server we did not start.
        if self.client().info("server")["process_id"] != self.process.pid:
            self.process.wait(timeout=10)
            raise RuntimeError(f"127.0.0.1:{self.port} is another process's Redis")

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=10)
        return "killed"

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_timeout=2)

    def sets(self):
        """SET commands since Redis started: (executed, refused); none while it is down."""
        import redis

        try:
            stats = self.client().info("commandstats").get("cmdstat_set", {})
        except redis.ConnectionError:
            return 0, 0
        return stats.get("calls", 0), stats.get("rejected_calls", 0)

    def write_refused(self):
        """The error Redis answers a write with now ("" if it accepts writes)."""
        import redis

        try:
            self.client().set("faults:probe", 1, px=1)
        except redis.ResponseError as error:
            return f"{type(error).__name__}: {error}"
        return ""

    def _snapshot(self):
        client = self.client()
        client.bgsave()
        while client.info("persistence")["rdb_bgsave_in_progress"]:
            time.sleep(0.02)
        return client.info("persistence")["rdb_last_bgsave_status"]

    def refuse_writes(self, refusal):
        """Put Redis in the state `refusal` (a key of REFUSALS); return what a write gets."""
        client, dump = self.client(), self.directory / "dump.rdb"
        if refusal == "oom":
            client.config_set("maxmemory-policy", "noeviction")
            client.config_set("maxmemory", 1)
        elif refusal == "misconf":
            dump.unlink(missing_ok=True)
            dump.mkdir()
            client.config_set("stop-writes-on-bgsave-error", "yes")
            client.config_set("save", "3600 1")
            self._snapshot()
        else:
            client.replicaof("127.0.0.1", closed_port())
        if self.REFUSALS[refusal] not in (error := self.write_refused()):
            raise RuntimeError(f"Redis should refuse writes ({refusal}), answers {error!r}")
        return error

    def accept_writes(self, refusal):
        client = self.client()
        if refusal == "oom":
            client.config_set("maxmemory", 0)
        elif refusal == "misconf":
            (self.directory / "dump.rdb").rmdir()
            if self._snapshot() != "ok":
                raise RuntimeError("Redis still cannot write its snapshot")
            client.config_set("save", "")  # no persistence, as started
        else:
            client.replicaof("NO", "ONE")
        if error := self.write_refused():
            raise RuntimeError(f"Redis should accept writes again, answers {error!r}")

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def closed_port():
    """A port of 127.0.0.1 where nothing listens (once the probe that found it is closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _SmtpSession(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink ESMTP")
        recipients = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"QUIT":
                self.reply("221 bye")
                return
            if verb == b"RCPT":
                recipients.append(re.search(rb"<([^>]*)>", line).group(1).decode().lower())
            elif verb == b"MAIL":
                recipients = []
            elif verb == b"DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                # Delivered only once the whole message is in, as a real server would say.
                self.server.sink.delivered(recipients)
            self.reply("250 ok")


class SmtpSink:
    """A mail server on 127.0.0.1 that keeps every message's recipients. Stopped, its port
    refuses connections: the mail server is down."""

    def __init__(self, port):
        self.port = port
        self.received = Counter()
        self.lock = threading.Lock()
        self.server = None

    def delivered(self, recipients):
        with self.lock:
            self.received.update(recipients)

    def count(self, address):
        with self.lock:
            return self.received[address.lower()]

    def start(self):
        server = socketserver.ThreadingTCPServer(
            ("127.0.0.1", self.port), _SmtpSession, bind_and_activate=False
        )
        server.allow_reuse_address = server.daemon_threads = True
        server.server_bind()
        server.server_activate()
        server.sink = self
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.server = server

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.server = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        if self.server:
            self.stop()


class Supervised:
    """A process restarted whenever it exits, as systemd's Restart=always does for the task
    worker in production (docs/deploy.md); `restarts` counts how often."""

    def __init__(self, service):
        self.service = service
        self.restarts = 0
        self.stopping = threading.Event()

    def _watch(self):
        while not self.stopping.wait(0.5):
            if self.service.process.poll() is not None:
                self.restarts += 1
                self.service.__enter__()

    def __enter__(self):
        self.service.__enter__()
        self.watcher = threading.Thread(target=self._watch, daemon=True)
        self.watcher.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.watcher.join()
        self.service.__exit__(*exc)


# --- The crowd ---------------------------------------------------------------------------

_addresses = itertools.count(1)


def client_address():
    """10.x.y.z, another one per request (X-Forwarded-For, trusted from 127.0.0.1), so the
    per-network rate limits see a crowd, as in benchmarks/wrk/common.lua."""
    n = next(_addresses)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


@dataclass
class Outcome:
    """One request and what came back. `status` None: no answer (refused, reset, timeout)."""

    kind: str  # "sign" or "read"
    email: str
    started: float
    ended: float
    status: int | None
    retry_after: str | None = None
    location: str = ""
    error: str = ""

    @property
    def acknowledged(self):
        """The signer was told to check their email: the signature must be stored."""
        return (
            self.kind == "sign" and self.status in (302, 303) and self.location.endswith("/thanks/")
        )

    @property
    def succeeded(self):
        return self.acknowledged if self.kind == "sign" else self.status == 200


def fetch(port, kind, method, path, body=None, email="", timeout=15):
    headers = {"X-Forwarded-For": client_address(), "Connection": "close"}
    if body is not None:
        headers |= {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{port}",
            "Sec-Fetch-Site": "same-origin",
        }
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        response.read()
        return Outcome(
            kind, email, started, time.monotonic(), response.status,
            response.getheader("Retry-After"), response.getheader("Location") or "",
        )  # fmt: skip
    except (OSError, http.client.HTTPException) as error:
        return Outcome(kind, email, started, time.monotonic(), None, error=type(error).__name__)
    finally:
        connection.close()


@dataclass
class Site:
    """The petition the crowd uses, and the sign form's fields as a browser sends them."""

    port: int
    slug: str
    form: str
    run_id: str
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def sign(self, tag, email=None):
        email = email or f"bench-{self.run_id}-{tag}-{next(self._numbers)}@example.org"
        body = f"{self.form}&email={email.replace('@', '%40').replace('+', '%2B')}"
        return fetch(self.port, "sign", "POST", f"/en/p/{self.slug}/sign/", body, email)

    def read(self, rendered=False):
        # A query string nobody else asks for misses the page cache: rendered from PostgreSQL.
        query = f"?r={next(self._numbers)}" if rendered else ""
        return fetch(self.port, "read", "GET", f"/en/p/{self.slug}/{query}")


class Crowd:
    """Signers and readers using the site from threads until the block ends; every request
    is kept in `outcomes`, in the order they ended."""

    def __init__(self, site, tag, signers=6, readers=2):
        self.site, self.tag = site, tag
        self.signers, self.readers = signers, readers
        self.outcomes = []
        self.stopping = threading.Event()

    def _keep(self, outcome):
        self.outcomes.append(outcome)
        if outcome.status is None:
            time.sleep(0.05)  # refused: a person waits a moment before trying again

    def _sign(self):
        while not self.stopping.is_set():
            self._keep(self.site.sign(self.tag))

    def _read(self):
        for n in itertools.count():
            if self.stopping.is_set():
                return
            self._keep(self.site.read(rendered=n % 2 == 1))

    def __enter__(self):
        self.threads = [threading.Thread(target=self._sign) for _ in range(self.signers)]
        self.threads += [threading.Thread(target=self._read) for _ in range(self.readers)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def until_success(attempt, timeout, pause=0.1):
    """Repeat `attempt` (which returns an Outcome) until it succeeds: (seconds, outcomes)."""
    started = time.monotonic()
    outcomes = []
    while time.monotonic() - started < timeout:
        outcomes.append(attempt())
        if outcomes[-1].succeeded:
            return outcomes[-1].ended - started, outcomes
        time.sleep(pause)
    return float("inf"), outcomes


def burst(attempts):
    """Run the callables at the same instant, one thread each (a barrier releases them)."""
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(n):
        barrier.wait()
        results[n] = attempts[n]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
