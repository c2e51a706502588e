"""Settings: SQLite by default, PostgreSQL through DATABASE_URL; secrets from the environment."""

import base64
import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from zhiyuan.config.env import envbool, envint, envlist, envstr, key_from_file

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("ZHIYUAN_DATA_DIR") or Path.cwd() / "var").resolve()

DEBUG = envbool("ZHIYUAN_DEBUG", False)
SECRET_KEY = envstr("ZHIYUAN_SECRET_KEY") or key_from_file(
    DATA_DIR / "secret.key", lambda: secrets.token_urlsafe(50)
)
# The field-encryption master key: 32 bytes, base64. Losing it loses every encrypted field.
FIELD_KEY = envstr("ZHIYUAN_FIELD_KEY") or key_from_file(
    DATA_DIR / "field.key", lambda: base64.b64encode(secrets.token_bytes(32)).decode()
)
# aes-gcm (AES-256-GCM + HMAC-SHA256) or sm4-gcm (SM4-GCM + HMAC-SM3, for 密评 / GB/T 39786).
FIELD_CIPHER = envstr("ZHIYUAN_FIELD_CIPHER", "aes-gcm")
VOLUNTEER_NUMBER_PREFIX = envstr("ZHIYUAN_VOLUNTEER_PREFIX", "ZY")
# Approved hours for 1 to 5 stars (星级), lowest first.
STAR_THRESHOLDS = [
    int(v) for v in envlist("ZHIYUAN_STAR_THRESHOLDS", ["100", "300", "600", "1000", "1500"])
]
# How long the dashboard keeps a scope's figures (seconds; 0: computed on every request).
# A refresh of the rollups (a record changed) shows at once: it is part of the cache key.
FIGURES_CACHE_SECONDS = envint("ZHIYUAN_FIGURES_CACHE_SECONDS", 300)
# A scan without the phone's position is refused; a district may instead take it as
# unverified, its hours held back until an organiser confirms the attendance.
CHECKIN_ALLOW_UNVERIFIED = envbool("ZHIYUAN_CHECKIN_ALLOW_UNVERIFIED", False)
# Days the office has to handle a complaint (the district's rule); the deadline is shown.
COMPLAINT_DAYS = envint("ZHIYUAN_COMPLAINT_DAYS", 15)

ALLOWED_HOSTS = envlist("ZHIYUAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("ZHIYUAN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "zhiyuan.core",
    "zhiyuan.places",
    "zhiyuan.accounts",
    "zhiyuan.notifications",
    "zhiyuan.volunteers",
    "zhiyuan.training",
    "zhiyuan.teams",
    "zhiyuan.stations",
    "zhiyuan.projects",
    "zhiyuan.service",
    "zhiyuan.helpdesk",
    "zhiyuan.feedback",
    "zhiyuan.honours",
    "zhiyuan.news",
    "zhiyuan.spreadsheets",
    "zhiyuan.exchange",
    "zhiyuan.reports",
    "zhiyuan.ops",
    "zhiyuan.portal",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "zhiyuan.ops.request_ids.RequestIdMiddleware",
    # A public page kept from the cache's last answer, before the rest runs (core/pagecache.py).
    "zhiyuan.core.pagecache.EarlyPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files before anything touches the session or the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early: a database outage in the session or auth middleware becomes a 503 page too.
    "zhiyuan.ops.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zhiyuan.core.security.ContentSecurityPolicyMiddleware",
    # A RateLimited from any view (a throttle, a paused sign-in) becomes the 429 page.
    "zhiyuan.core.security.RateLimitedMiddleware",
    # Public pages for visitors without a session, from the cache (core/pagecache.py).
    "zhiyuan.core.pagecache.PageCacheMiddleware",
    # Last, as django-prometheus requires (its own, labelled counters kept: ops/metrics.py).
    "zhiyuan.ops.metrics.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "zhiyuan.config.urls"
WSGI_APPLICATION = "zhiyuan.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhiyuan.accounts.context_processors.navigation",
                "zhiyuan.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'zhiyuan.sqlite3'}"),
        conn_max_age=envint("ZHIYUAN_DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's engine, with write transactions queued on a file lock (core/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "zhiyuan.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE makes a writing
        # transaction take the write lock at BEGIN so two writers queue instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The suite's database: SQLite's shared in-memory one, named outright so that
    # pytest-django's per-process suffix (pytest -n, xdist) leaves it alone: it renames
    # only the test databases of the stock sqlite3 engine, and would have given this one
    # a relative path "test_/…/zhiyuan.sqlite3_gw0" in a directory that does not exist.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's engine, with a health check that asks the socket first (core/postgresql).
    DATABASES["default"]["ENGINE"] = "zhiyuan.core.postgresql"
    if envbool("ZHIYUAN_DB_POOL", False):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True
    if envbool("ZHIYUAN_DB_PREPARED", True):
        # core.prepared's statements (a sign-up's, a scan's, the session's) are bound on
        # the server and, once run 5 times on a connection, prepared there (psycopg's
        # prepare_threshold): neither parsed nor planned again, a third of the server's
        # time for them. Off behind a pooler that cannot keep prepared statements.
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5

# Throttles, lockout counters and cached public figures. The embedded default is each
# process's memory (limits count per process); several processes or hosts share Redis.
CACHE_URL = envstr("ZHIYUAN_CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "zhiyuan",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# /healthz answers 503 below this much free space in ZHIYUAN_DATA_DIR; reports the task
# queue as stale when its oldest task has waited longer than this many seconds.
HEALTH_MIN_FREE_MB = envint("ZHIYUAN_HEALTH_MIN_FREE_MB", 500)
HEALTH_QUEUE_MAX_AGE = envint("ZHIYUAN_HEALTH_QUEUE_MAX_AGE", 900)
# Who may read /metrics (Prometheus' address), after trusted proxies are walked through.
METRICS_FROM = envlist("ZHIYUAN_METRICS_FROM", ["127.0.0.1", "::1"])
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed: the client
# address is the last one in that header that is not one of them (core.security.client_ip).
TRUSTED_PROXIES = envlist("ZHIYUAN_TRUSTED_PROXIES", [])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
AUTHENTICATION_BACKENDS = ["zhiyuan.accounts.backends.PhoneOrUsernameBackend"]
# Sign-in lockout (zhiyuan.accounts.signin): this many failures for one account (under any
# spelling, from anywhere) pause its sign-in for ZHIYUAN_LOGIN_COOLOFF_MINUTES after the
# last one; ZHIYUAN_LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the
# accounts, pause that address. 0 turns the lockout off.
LOGIN_FAILURE_LIMIT = envint("ZHIYUAN_LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("ZHIYUAN_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
LOGIN_COOLOFF = dt.timedelta(minutes=envint("ZHIYUAN_LOGIN_COOLOFF_MINUTES", 15))
# API tokens end this many days after they are made (or earlier: revoked, password changed).
API_TOKEN_DAYS = envint("ZHIYUAN_API_TOKEN_DAYS", 30)
# An import's files (the uploaded roster, the rows read from it, the error report: names, ID
# numbers, phones) are deleted this many days after the import ends or was last touched
# (spreadsheets.retention); the job's counts and its masked list of issues stay.
IMPORT_KEEP_DAYS = envint("ZHIYUAN_IMPORT_KEEP_DAYS", 7)
# Registrations and help requests accepted from one address per hour.
REGISTRATIONS_PER_HOUR = envint("ZHIYUAN_REGISTRATIONS_PER_HOUR", 20)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# Production serves what `zhiyuan collectstatic` gathered (make serve does it at install):
# hashed names, gzip and brotli copies, cached for a year by WhiteNoise (or by nginx, see
# deploy/). The developer's server (DEBUG) serves the source files as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Pages name only hashed files: the unhashed copies need neither keeping nor compressing.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# Database sessions (a sign-out ends one at once), each read once per process until the
# sessions table is written (accounts/sessions.py).
SESSION_ENGINE = "zhiyuan.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind TLS (a reverse proxy that sets X-Forwarded-Proto): secure cookies, HTTPS redirect
# and a year of HSTS. Off by default so the embedded server works on plain http://127.0.0.1.
HTTPS = envbool("ZHIYUAN_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Load balancers probe each app host over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = envint("ZHIYUAN_SESSION_HOURS", 12) * 3600

MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploads: request bodies above this are refused before a view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

NINJA_PAGINATION_PER_PAGE = 50

# Background work (notifications, imports, matching, reports) through Django's task API,
# run by `zhiyuan worker`: the database backend (embedded default, `db_worker`), or RQ on
# Redis for workers on many hosts (`rqworker`); tests use the immediate backend.
TASKS_BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
TASKS_BACKEND = envstr("ZHIYUAN_TASKS_BACKEND", "database")
TASKS = {"default": {"BACKEND": TASKS_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)}}
if TASKS["default"]["BACKEND"] == TASKS_BACKENDS["rq"]:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        "default": {"URL": envstr("ZHIYUAN_RQ_URL") or CACHE_URL or "redis://127.0.0.1:6379/0"}
    }
# Channels every notification goes out on: site (the inbox), email, sms.
NOTIFICATION_CHANNELS = envlist("ZHIYUAN_NOTIFICATION_CHANNELS", ["site", "email", "sms"])
SMS_GATEWAY = envstr("ZHIYUAN_SMS_GATEWAY", "zhiyuan.notifications.channels.LoggingSmsGateway")
EMAIL_BACKEND = envstr("ZHIYUAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("ZHIYUAN_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("ZHIYUAN_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = envstr("ZHIYUAN_DEFAULT_FROM_EMAIL", "zhiyuan@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHIYUAN_LOG_LEVEL", "WARNING")},
}
