"""Settings read from the environment: email (MAILERS) and the gunicorn configuration."""

import json
import logging
import os
import runpy
import subprocess
import sys
import warnings
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils.deprecation import RemovedInDjango2028Warning
from gunicorn.config import Config

import config.settings as project_settings
from config.settings import BASE_DIR, _mailer_from_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"
GUNICORN_CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


# Email: EMAIL_URL becomes MAILERS["default"] (Django 6.1), never the deprecated EMAIL_*.


def test_smtp_with_starttls():
    mailer = _mailer_from_url("smtp+tls://chorus:s3cret%40word@mail.example.org:587")
    assert mailer == {
        "BACKEND": SMTP,
        "OPTIONS": {
            "host": "mail.example.org",
            "port": 587,
            "username": "chorus",
            "password": "s3cret@word",  # percent-encoded in the URL
            "use_tls": True,
            "use_ssl": False,
            "timeout": 20,
        },
    }


def test_smtp_with_ssl():
    options = _mailer_from_url("smtp+ssl://chorus:pw@mail.example.org:465")["OPTIONS"]
    assert (options["port"], options["use_ssl"], options["use_tls"]) == (465, True, False)


def test_smtps_means_starttls_in_django_environ():
    # A trap worth a test: django-environ reads smtps:// as STARTTLS, not implicit TLS.
    options = _mailer_from_url("smtps://chorus:pw@mail.example.org:587")["OPTIONS"]
    assert (options["use_tls"], options["use_ssl"]) == (True, False)


def test_plain_smtp_defaults_to_port_25_without_login():
    mailer = _mailer_from_url("smtp://localhost")
    assert mailer["BACKEND"] == SMTP
    assert mailer["OPTIONS"] == {
        "host": "localhost",
        "port": 25,
        "username": "",
        "password": "",
        "use_tls": False,
        "use_ssl": False,
        "timeout": 20,
    }


def test_filemail():
    assert _mailer_from_url("filemail:////srv/chorus/mail") == {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": "/srv/chorus/mail"},
    }
    # Without a path: var/mail in the project.
    assert _mailer_from_url("filemail://")["OPTIONS"] == {"file_path": str(BASE_DIR / "var/mail")}


def test_consolemail():
    assert _mailer_from_url("consolemail://") == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend",
        "OPTIONS": {},
    }


def test_mailers_are_accepted_by_django(tmp_path):
    """Django builds a working backend from each kind of entry, OPTIONS and all."""
    smtp = _mailer_from_url("smtp+tls://chorus:pw@mail.example.org:587")
    files = _mailer_from_url(f"filemail:///{tmp_path}")
    with override_settings(MAILERS={"default": smtp, "files": files}):
        backend = mail.mailers["default"]  # builds the backend, does not connect
        assert (backend.host, backend.port, backend.use_tls, backend.timeout) == (
            "mail.example.org",
            587,
            True,
            20,
        )
        assert mail.mailers["files"].file_path == str(tmp_path)


def test_mailers_setting_is_used_not_the_deprecated_email_settings():
    assert "default" in settings.MAILERS
    assert "BACKEND" in project_settings.MAILERS["default"]
    for name in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_USE_TLS"):
        assert not hasattr(project_settings, name), name


def test_sending_mail_raises_no_deprecation_warning(mailoutbox):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango2028Warning)
        mail.EmailMessage("Subject", "Body", to=["someone@example.org"]).send()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].from_email == settings.DEFAULT_FROM_EMAIL


# Gunicorn: gunicorn.conf.py, loaded the way gunicorn loads it.


def gunicorn_config(monkeypatch, **environ):
    # The environment of the test only, not a developer's .env file.
    monkeypatch.setattr("environ.Env.read_env", lambda *args, **kwargs: None)
    for name in (
        "BIND",
        "PORT",
        "WEB_CONCURRENCY",
        "WEB_THREADS",
        "FORWARDED_ALLOW_IPS",
        "MAX_REQUESTS",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    cfg = Config()
    for name, value in runpy.run_path(str(GUNICORN_CONF)).items():
        if name in cfg.settings:  # what gunicorn does: unknown names are ignored
            cfg.set(name.lower(), value)
    return cfg


def test_gunicorn_defaults(monkeypatch):
    cfg = gunicorn_config(monkeypatch)
    assert cfg.bind == ["127.0.0.1:8000"]
    assert 3 <= cfg.workers <= 12
    assert cfg.threads == 2
    assert cfg.preload_app is True
    assert (cfg.max_requests, cfg.max_requests_jitter) == (0, 0)  # workers are not recycled
    assert cfg.forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert cfg.accesslog == "-"


def test_gunicorn_reads_the_environment(monkeypatch):
    cfg = gunicorn_config(monkeypatch, PORT="5000", WEB_CONCURRENCY="3", WEB_THREADS="4")
    assert (cfg.bind, cfg.workers, cfg.threads) == (["0.0.0.0:5000"], 3, 4)
    cfg = gunicorn_config(monkeypatch, MAX_REQUESTS="5000")
    assert (cfg.max_requests, cfg.max_requests_jitter) == (5000, 500)
    cfg = gunicorn_config(
        monkeypatch, PORT="5000", BIND="unix:/run/chorus.sock", FORWARDED_ALLOW_IPS="10.0.0.2"
    )
    assert cfg.bind == ["unix:/run/chorus.sock"]
    assert cfg.forwarded_allow_ips == ["10.0.0.2"]


def test_gunicorn_access_log_format_has_no_ip_query_string_or_referrer(monkeypatch):
    log_format = gunicorn_config(monkeypatch).access_log_format
    assert "%(U)s" in log_format
    for atom in ("%(h)s", "%(r)s", "%(q)s", "%(f)s", "%(a)s", "{"):
        assert atom not in log_format


@pytest.fixture
def gunicorn_logger(monkeypatch, tmp_path):
    cfg = gunicorn_config(monkeypatch)
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("errorlog", str(tmp_path / "error.log"))
    logger = cfg.logger_class(cfg)
    yield logger
    for log in (logging.getLogger("gunicorn.access"), logging.getLogger("gunicorn.error")):
        for handler in list(log.handlers):
            log.removeHandler(handler)
            handler.close()


def test_gunicorn_access_log_leaves_out_tokens_and_ips(gunicorn_logger, tmp_path):
    token = "s:0123456789abcdef0123456789abcdef:1tXyZ:Ab-Cd_ef0123456789"
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/confirm/{token}/?utm_source=mail",
        "PATH_INFO": f"/confirm/{token}/",
        "QUERY_STRING": "utm_source=mail",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.23",
        "HTTP_REFERER": f"https://petition.example.org/not-me/{token}/",
        "HTTP_USER_AGENT": "Mozilla/5.0 (Signer's phone)",
    }
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "203.0.113.5")])
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "text/html")])
    gunicorn_logger.access(response, request, environ, timedelta(milliseconds=42))

    line = (tmp_path / "access.log").read_text()
    assert '"POST /confirm/…/ HTTP/1.1" 200 1234 42ms' in line
    for secret in (token, "utm_source", "198.51.100.23", "203.0.113.5", "Mozilla", "not-me"):
        assert secret not in line


def test_gunicorn_error_messages_are_cleaned(gunicorn_logger, tmp_path):
    gunicorn_logger.warning(
        "Invalid request from ip=198.51.100.23: Invalid HTTP request line: "
        "'GET /not-me/s:abc:def:ghi/ HTTP/1.1'"
    )
    gunicorn_logger.error("Error handling request %s %s", "GET", "/confirm/s:abc:def:ghi/?x=1")
    gunicorn_logger.info("Listening at: %s (%s)", "http://127.0.0.1:8000", 42)

    text = (tmp_path / "error.log").read_text()
    assert "Invalid request from ip=-: Invalid HTTP request line: 'GET /not-me/…/" in text
    assert "Error handling request GET /confirm/…/\n" in text
    assert "Listening at: http://127.0.0.1:8000 (42)" in text  # operations keep what they need
    assert "s:abc" not in text and "198.51.100.23" not in text


def settings_value(name, **environ):
    """A setting as config/settings.py computes it from `environ`, in a fresh interpreter."""
    env = {key: value for key, value in os.environ.items() if key != name} | environ
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({name if '(' in name else 'settings.' + name}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_page_copies_are_on_in_production_and_off_while_developing():
    assert settings_value("PUBLIC_PAGE_CACHE", DEBUG="off") is True
    assert settings_value("PUBLIC_PAGE_CACHE", DEBUG="on") is False
    assert settings_value("PUBLIC_PAGE_CACHE", DEBUG="on", PUBLIC_PAGE_CACHE="on") is True


def test_operators_set_where_static_files_go_the_time_zone_and_who_is_told(tmp_path):
    # A Path, which json cannot write: compared through its string.
    assert settings_value("str(settings.STATIC_ROOT)", STATIC_ROOT=str(tmp_path)) == str(tmp_path)
    assert settings_value("str(settings.STATIC_ROOT)").endswith("var/static")
    assert settings_value("TIME_ZONE", TIME_ZONE="America/Mexico_City") == "America/Mexico_City"
    assert settings_value("ADMINS", ADMINS="ops@example.org,dev@example.org") == [
        "ops@example.org",
        "dev@example.org",
    ]
    assert settings_value("MANAGERS", MANAGERS="team@example.org") == ["team@example.org"]
