"""Chorus settings: one module, read from the environment (see .env.example).

Defaults are the secure production ones; `make run` and the test suite opt into
what they need (DEBUG, a SQLite file, immediate tasks) through the environment.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise environ.ImproperlyConfigured("Set SECRET_KEY (or DEBUG=on for local development).")
    SECRET_KEY = "insecure-development-key-" + "x" * 40  # noqa: S105 - only with DEBUG on

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies in front of gunicorn (e.g. 127.0.0.1,::1); the client is the last
# X-Forwarded-For entry they added (gunicorn never rewrites REMOTE_ADDR).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Absolute base URL for links in emails, e.g. https://petition.example.org
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Chorus")
ADMIN_PATH = env.str("ADMIN_PATH", default="admin").strip("/")

INSTALLED_APPS = [
    "config.apps.ChorusAdminConfig",  # the admin, with a second factor (config/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_countries",
    "parler",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "petition",
    "campaign",
    "config.apps.ProjectConfig",  # commands spanning both apps (config/management/commands)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lib.headers.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lib.http_cache.NoStoreByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lib.csrf.TokenFreeFormsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://chorus")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # An outage of Redis degrades caching and never fails a request (lib/cache_backend.py).
    CACHES["default"]["BACKEND"] = "lib.cache_backend.ForgivingRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    )


def _mailer_from_url(url):
    """Turn EMAIL_URL (smtp://, smtp+tls://, filemail://, consolemail://) into a MAILERS entry."""
    config = environ.Env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": config.get("EMAIL_HOST") or "localhost",
            "port": config.get("EMAIL_PORT") or 25,
            "username": config.get("EMAIL_HOST_USER") or "",
            "password": config.get("EMAIL_HOST_PASSWORD") or "",
            "use_tls": bool(config.get("EMAIL_USE_TLS")),
            "use_ssl": bool(config.get("EMAIL_USE_SSL")),
            "timeout": 20,
        }
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": config.get("EMAIL_FILE_PATH") or str(BASE_DIR / "var" / "mail")}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": _mailer_from_url(env.str("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Chorus <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who gets error reports (ADMINS, without personal data: lib/error_reports.py) and signing
# alerts (MANAGERS, with every active superuser): comma-separated addresses.
ADMINS = env.list("ADMINS", default=[])
MANAGERS = env.list("MANAGERS", default=[])
# /.well-known/security.txt (RFC 9116): where to report a vulnerability in this site, a
# mailto: or https: URL; without it, the first of ADMINS. See SECURITY.md.
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default="")
# The security policy security.txt links to, e.g. the SECURITY.md of the code this site runs.
SECURITY_POLICY_URL = env.str("SECURITY_POLICY_URL", default="")

# Background work: django-tasks-db in production (run `manage.py worker`);
# TASKS_BACKEND=immediate runs tasks inline (tests, `make run`).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        }[env.str("TASKS_BACKEND", default="database")],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface's languages (every one has a catalogue in locale/). Public pages live under
# their language's prefix (/es/p/<slug>/, config/urls.py): a link names its language.
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt-br", _("Brazilian Portuguese")),
    ("fr", _("French")),
    ("it", _("Italian")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("da", _("Danish")),
    ("cs", _("Czech")),
    ("ca", _("Catalan")),
    ("ne", _("Nepali")),
    ("ur", _("Urdu")),
]
# Ours first; then what Django and our dependencies leave untranslated (config/catalogs.py).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_supplements"]
# Petitions, news, actions and cases are written in any of these (lib/content_languages.py):
# a missing translation falls back to the text's own original language, not to this list.
# Parler's cache is off: a list prefetches its translations in one query, and a cached copy
# per object per language would be one more cache round trip on every page.
PARLER_LANGUAGES = {
    None: tuple({"code": code} for code, _name in LANGUAGES),
    "default": {"fallbacks": [LANGUAGE_CODE], "hide_untranslated": False},
}
PARLER_ENABLE_CACHING = False
# The time moderators read in the back office and emails show; stored times are UTC.
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` writes the files whitenoise (or the web server) serves.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Hashed, compressed static files in production (run collectstatic); plain ones when
# developing and in the test suite, which serves them straight from static/.
STATICFILES_MANIFEST = env.bool("STATICFILES_MANIFEST", default=not DEBUG)
STORAGES = {
    # Uploaded photos. Several web servers need a shared store: set S3_BUCKET for any
    # S3-compatible service (install the optional dependency: pip install -e ".[s3]").
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env.str("S3_BUCKET"),
                "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
                "region_name": env.str("S3_REGION", default=None),
                "access_key": env.str("S3_ACCESS_KEY", default=None),
                "secret_key": env.str("S3_SECRET_KEY", default=None),
                "custom_domain": env.str("S3_CUSTOM_DOMAIN", default=None),
                "default_acl": None,
                "querystring_auth": False,
                "file_overwrite": False,
                "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            },
        }
        if env.str("S3_BUCKET", default="")
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATICFILES_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without the manifest (tests, development), whitenoise serves straight from static/.
WHITENOISE_USE_FINDERS = not STATICFILES_MANIFEST
# Uploads: photos are at most 15 MB each (lib.images); a report may carry six of them.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # non-file form data
DATA_UPLOAD_MAX_NUMBER_FILES = 12
FILE_UPLOAD_PERMISSIONS = 0o640

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "admin:login"

# The back office (config/admin_site.py, config/admin_login.py, lib/two_factor.py).
# Every admin page needs a session verified with a second factor (authenticator app or a
# recovery code); `make run` turns this off for the local demo.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = SITE_NAME
# django-axes counts failed logins (wrong password or code) per username *and* client
# address, so that nobody elsewhere can lock a moderator out; the lock lifts by itself.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ADMIN_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "lib.ip.client_ip"  # honours TRUSTED_PROXIES
AXES_LOCKOUT_CALLABLE = "lib.login_lockout.lockout_response"
AXES_HANDLER = "lib.login_lockout.MinimalRecordsHandler"
# Records of failures only (deleted after the cool-off), no log of every staff login.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_RESET_ON_SUCCESS = True
# Retrying while locked out does not push the end of the lock further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["username", "password", "otp_token", "csrfmiddlewaretoken"]
AXES_VERBOSE = False
# What django-axes writes in the log about a client: a network hash, no address or username.
AXES_CLIENT_STR_CALLABLE = "lib.login_lockout.client_description"

# Security: secure unless told otherwise (plain-HTTP local runs set SECURE_COOKIES=off).
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    # __Host- cookies are only accepted over HTTPS, for this exact host, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
    LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Only staff have sessions (the public site starts none): they end after
# SESSION_IDLE_MINUTES without a request, and when the browser closes.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

from django.utils.csp import CSP  # noqa: E402

# Photos stored on S3 are served from the bucket's own address: pages may show images from it.
if S3_BUCKET := env.str("S3_BUCKET", default=""):
    _s3_domain = env.str("S3_CUSTOM_DOMAIN", default="")
    _s3_endpoint = env.str("S3_ENDPOINT_URL", default="")
    if _s3_domain:
        MEDIA_ORIGINS = [f"https://{_s3_domain}"]
    elif _s3_endpoint:
        MEDIA_ORIGINS = ["{0.scheme}://{0.netloc}".format(urlsplit(_s3_endpoint))]
    else:
        MEDIA_ORIGINS = [f"https://{S3_BUCKET}.s3.amazonaws.com"]
else:
    MEDIA_ORIGINS = []

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Petition behaviour
# Bump when templates/petition/privacy_notice.html changes;
# each signature stores the version it accepted.
PRIVACY_NOTICE_VERSION = env.str("PRIVACY_NOTICE_VERSION", default="2026-11-28")
CONFIRMATION_MAX_AGE_DAYS = env.int("CONFIRMATION_MAX_AGE_DAYS", default=14)
# Retention (manage.py apply_retention, daily): see PRIVACY.md.
RETENTION_UNCONFIRMED_DAYS = env.int("RETENTION_UNCONFIRMED_DAYS", default=30)
RETENTION_IP_HASH_DAYS = env.int("RETENTION_IP_HASH_DAYS", default=30)
RETENTION_ANONYMISE_MONTHS = env.int("RETENTION_ANONYMISE_MONTHS", default=6)
# Abuse resistance (petition/protection/); signing limits are edited in the admin.
# Requests per network (IP hash) per minute to the public signatory lists, and per hour to
# the "report an action" form.
SIGNATORY_LIST_RATE_LIMIT = env.int("SIGNATORY_LIST_RATE_LIMIT", default=60)
REPORT_ACTION_RATE_LIMIT = env.int("REPORT_ACTION_RATE_LIMIT", default=20)
# "Under attack" proof of work: leading zero bits of sha256 (16 ≈ 65,000 hashes, well under a
# second on a phone) and how long a challenge stays valid.
PROOF_OF_WORK_BITS = env.int("PROOF_OF_WORK_BITS", default=16)
PROOF_OF_WORK_MAX_AGE = env.int("PROOF_OF_WORK_MAX_AGE", default=3600)
# The "manage my signature" link in every email (withdraw, hide name, unsubscribe, export).
MANAGE_LINK_MAX_AGE_DAYS = env.int("MANAGE_LINK_MAX_AGE_DAYS", default=730)
EMAILS_PER_SIGNATURE = env.int("EMAILS_PER_SIGNATURE", default=3)
# Seconds between attempts to send an email while the mail server fails (petition/tasks.py):
# about a day in all, then the task fails for good and is reported.
EMAIL_RETRY_DELAYS = tuple(
    env.list("EMAIL_RETRY_DELAYS", cast=int, default=[60, 300, 900, 3600, 10800, 21600, 43200])
)
# The task worker's niceness (manage.py worker): when the CPUs are saturated, signing goes
# first and the emails follow once the surge eases; an idle CPU still goes to the worker.
TASK_WORKER_NICENESS = env.int("TASK_WORKER_NICENESS", default=10)
# Keyed hash of IP addresses; rotate it to make old hashes unlinkable.
IP_HASH_KEY = env.str("IP_HASH_KEY", default=SECRET_KEY)
# Petition.counts() for the pages rendered (count.json counts afresh): docs/architecture.md.
COUNT_CACHE_SECONDS = env.int("COUNT_CACHE_SECONDS", default=5)
# Public pages (lib/http_cache.py, docs/architecture.md): how long their copy (in CACHE_URL,
# one per page and language), nginx and a CDN keep them fresh, how long a stale copy may be
# served while one request renders the next, and while the server is down (CDNs only).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=5)
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=not DEBUG)  # the copy in CACHE_URL
PUBLIC_CACHE_STALE_SECONDS = env.int("PUBLIC_CACHE_STALE_SECONDS", default=30)
PUBLIC_CACHE_STALE_IF_ERROR_SECONDS = env.int("PUBLIC_CACHE_STALE_IF_ERROR_SECONDS", default=86400)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Logs hold no personal data and no tokens (lib/logs.py).
    "filters": {
        "redact": {"()": "lib.logs.RedactingFilter"},
        "debug_off": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        # Replaces Django's mail_admins, whose reports copy the request (lib/error_reports.py).
        "mail_admins": {
            "class": "lib.error_reports.RedactedAdminEmailHandler",
            "level": "ERROR",
            "filters": ["debug_off"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"]},
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR" if not DEBUG else "INFO"},
    },
}
