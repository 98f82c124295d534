"""Gunicorn settings for Chorus, read from the environment.

`gunicorn config.wsgi` (the Procfile's web process) reads this file from the working
directory. Environment variables (or the .env file beside this one):

    BIND / PORT          where to listen: BIND wins ("127.0.0.1:8000", "unix:/run/chorus.sock",
                         several separated by commas); else 0.0.0.0:$PORT; else 127.0.0.1:8000
    WEB_CONCURRENCY      worker processes (default 2 × CPUs + 1, at most 12)
    WEB_THREADS          threads per worker (default 2)
    WEB_TIMEOUT          seconds before a silent worker is restarted (default 30)
    FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-Proto gunicorn believes (default: loopback)
    MAX_REQUESTS         requests before a worker is recycled (default 0 = never)
    ACCESS_LOG           "-" (stdout, the default), a file path, or "off"

Each thread may keep one PostgreSQL connection open (CONN_MAX_AGE), so keep
WEB_CONCURRENCY × WEB_THREADS (plus the task worker) below the server's max_connections.

Privacy: the access log leaves out what could identify a signer or let someone act for
them. Confirmation and "not me" links carry a signed token in the path (/confirm/<token>/),
and query strings and the Referer header can carry tokens as well, so the log has the path
with token-like segments replaced by "…" (%(U)s, cleaned by PrivacyLogger below), and
neither the query string, the referrer, the user agent nor the client's IP address (no
%(h)s, %(r)s, %(q)s, %(f)s, %(a)s; PrivacyLogger blanks them even if the format asks).
Gunicorn's own error messages get the same cleaning.
"""

import os
import sys
from pathlib import Path

import environ
from gunicorn import glogging

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lib.logs import redact_message, redact_path  # noqa: E402

# The same .env file as Django's settings (which read it too); the real environment wins.
environ.Env.read_env(Path(__file__).with_name(".env"))


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus():
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers)
    except AttributeError:
        return os.cpu_count() or 1


def _bind():
    if os.environ.get("BIND"):
        return [address.strip() for address in os.environ["BIND"].split(",") if address.strip()]
    if os.environ.get("PORT"):
        return [f"0.0.0.0:{os.environ['PORT']}"]
    return ["127.0.0.1:8000"]


class PrivacyLogger(glogging.Logger):
    """Gunicorn's logger, minus what could identify a signer or act for them."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(atoms.get("U"))
        atoms.update({"U": path, "q": "", "h": "-", "f": "-", "a": "-"})
        atoms["r"] = f"{atoms.get('m')} {path} {atoms.get('H')}"
        # Request headers, response headers, environ variables: never logged, whatever the format.
        for key in [key for key in atoms if key.startswith("{")]:
            del atoms[key]
        return atoms

    def _cleaned(level):
        def log(self, msg, *args, **kwargs):
            try:
                text = msg % args if args else msg
            except (TypeError, ValueError):
                text = " ".join(map(str, (msg, *args)))
            getattr(glogging.Logger, level)(self, redact_message(text), **kwargs)

        return log

    critical = _cleaned("critical")
    error = _cleaned("error")
    warning = _cleaned("warning")
    info = _cleaned("info")
    debug = _cleaned("debug")
    exception = _cleaned("exception")
    del _cleaned


bind = _bind()
workers = _int("WEB_CONCURRENCY", min(2 * _cpus() + 1, 12))
threads = _int("WEB_THREADS", 2)
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Workers live on by default: `make bench` shows their memory flat after a million requests,
# and recycling one at peak load cost its next requests a cold start (the petition page's p95
# rose from 55 ms to 300 ms at 1,000). Set MAX_REQUESTS if a worker's memory does grow.
max_requests = _int("MAX_REQUESTS", 0)
max_requests_jitter = max(max_requests // 10, 0)
# Load Django once in the master: less memory, and a broken deploy fails at start, not later.
preload_app = True
# Gunicorn believes X-Forwarded-Proto (for wsgi.url_scheme) only from these addresses. Django
# reads the header itself (SECURE_PROXY_SSL_HEADER), so gunicorn must only be reachable
# through the proxy: keep BIND on 127.0.0.1 or a unix socket.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Workers' heartbeat files in memory rather than on disk (see gunicorn's FAQ).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

logger_class = PrivacyLogger
accesslog = os.environ.get("ACCESS_LOG", "-")
if accesslog == "off":
    accesslog = None
# time, method, path (redacted, no query string), protocol, status, bytes, duration in ms
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
