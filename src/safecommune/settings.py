"""SafeCommune settings: read from the environment only.

Every value that differs between a laptop, CI and production comes from an
environment variable; secrets come from the environment or from files under the
var directory (``SAFECOMMUNE_VAR_DIR``, default ``./var``), which is never committed.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(os.environ.get("SAFECOMMUNE_VAR_DIR", Path.cwd() / "var")).resolve()


_SECRETS_READ: dict[Path, str] = {}


def read_or_create_secret(filename: str, env_name: str, nbytes: int = 48) -> str:
    """A secret from the environment, else from ``VAR_DIR/filename``, created once (mode 0600).

    A file's secret is read once per process (the receipt and idempotency keys are asked for
    on every public submission): like ``SECRET_KEY``, a replaced file takes effect at restart.
    """
    from_env = os.environ.get(env_name)
    if from_env:
        return from_env
    path = VAR_DIR / filename
    known = _SECRETS_READ.get(path)
    if known is not None:
        return known
    if path.exists():
        value = path.read_text().strip()
        if value:
            _SECRETS_READ[path] = value
            return value
        path.unlink()  # an empty file (a crash mid-write) is replaced, never used as a key
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    # Written whole, then linked into place: two processes asked for the same new secret at
    # once (two web workers' first requests) agree on the one linked first.
    from safecommune.core.files import write_private_once

    if not write_private_once(path, value.encode()):
        value = path.read_text().strip()
    _SECRETS_READ[path] = value
    return value


DEBUG = env_bool("SAFECOMMUNE_DEBUG", False)
SECRET_KEY = read_or_create_secret("secret_key", "SAFECOMMUNE_SECRET_KEY")
ALLOWED_HOSTS = env_list("SAFECOMMUNE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("SAFECOMMUNE_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "safecommune.core",
    "safecommune.accounts",
    "safecommune.territory",
    "safecommune.receipts",
    "safecommune.idempotency",
    "safecommune.outreach",
    "safecommune.residents",
    "safecommune.reports",
    "safecommune.reports.open311",
    "safecommune.worker",
    "safecommune.api",
    "safecommune.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safecommune.core.middleware.RequestSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safecommune.accounts.middleware.SessionLimitsMiddleware",
    "safecommune.accounts.middleware.StaffTwoFactorMiddleware",
    "safecommune.accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "safecommune.idempotency.middleware.IdempotencyMiddleware",
]

ROOT_URLCONF = "safecommune.urls"
WSGI_APPLICATION = "safecommune.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE_PATH = VAR_DIR / "safecommune.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the worker writes; IMMEDIATE transactions take the
    # write lock up front so two writers queue on busy_timeout instead of failing to upgrade.
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
    _db.setdefault("TEST", {})
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # Short OLTP queries: JIT compilation cost 40–110 ms of a search plan and gained nothing
    # (docs/benchmarks.md, person search). SAFECOMMUNE_PG_OPTIONS replaces this.
    _db.setdefault("OPTIONS", {})["options"] = os.environ.get("SAFECOMMUNE_PG_OPTIONS",
                                                              "-c jit=off")
    # Django turns psycopg's prepared statements off (None) for transaction-mode poolers. The
    # hot-path statements ask for preparation explicitly (core/statements.py); a threshold
    # no query count reaches keeps every other query unprepared. Set SAFECOMMUNE_PG_PREPARE=0
    # behind a pooler that cannot keep prepared statements (docs/decisions/0022).
    if os.environ.get("SAFECOMMUNE_PG_PREPARE", "1") != "0":
        _db["OPTIONS"]["prepare_threshold"] = 2**31 - 1
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lockout: 5 failures for one username from one address lock that pair for 10 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("SAFECOMMUNE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SAFECOMMUNE_LOCKOUT_MINUTES", "10")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "safecommune.accounts.views.locked_out"
AXES_VERBOSE = False
# The client's address behind a reverse proxy (safecommune/core/net.py): the proxies' own
# addresses or networks, comma-separated. Empty: X-Forwarded-For is ignored.
SAFECOMMUNE_TRUSTED_PROXIES = env_list("SAFECOMMUNE_TRUSTED_PROXIES", "")
for _proxy in SAFECOMMUNE_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"SAFECOMMUNE_TRUSTED_PROXIES: {_proxy!r} is not an IP "
                                   f"address or network (e.g. 10.0.0.2 or 10.0.0.0/8)") from None
AXES_CLIENT_IP_CALLABLE = "safecommune.core.net.client_ip"

# Wider caps on top (docs/decisions/0007-login-floods.md): one username failing from any
# addresses, and one address failing on any usernames, within a window of 10 minutes.
SAFECOMMUNE_LOGIN_USERNAME_LIMIT = int(os.environ.get("SAFECOMMUNE_LOGIN_USERNAME_LIMIT", "20"))
SAFECOMMUNE_LOGIN_ADDRESS_LIMIT = int(os.environ.get("SAFECOMMUNE_LOGIN_ADDRESS_LIMIT", "50"))
SAFECOMMUNE_LOGIN_FLOOD_SECONDS = int(os.environ.get("SAFECOMMUNE_LOGIN_FLOOD_SECONDS", "600"))

# Counters of the caps above and of the public rate limits. Local memory is per process: a
# server with several web processes sets SAFECOMMUNE_CACHE_URL to a Redis server
# (redis://host:6379/0; needs the `redis` extra) so that they share the counts.
SAFECOMMUNE_CACHE_URL = os.environ.get("SAFECOMMUNE_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache",
         "LOCATION": SAFECOMMUNE_CACHE_URL, "KEY_PREFIX": "safecommune"}
        if SAFECOMMUNE_CACHE_URL else
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
         "LOCATION": "safecommune"}
    ),
}

# Sessions end after 30 idle minutes and, at the latest, 12 hours after sign-in.
SESSION_IDLE_SECONDS = int(os.environ.get("SAFECOMMUNE_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SAFECOMMUNE_SESSION_MAX_SECONDS",
                                              str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

# Staff sign in with a TOTP second factor. Only the demo may turn this off.
SAFECOMMUNE_STAFF_2FA = not env_bool("SAFECOMMUNE_DEMO_WITHOUT_2FA", False)
OTP_TOTP_ISSUER = "SafeCommune"

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [
    ("vi", "Tiếng Việt"),
    ("en", "English"),
    ("sv", "Svenska"),
    ("ru", "Русский"),
]
LANGUAGE_COOKIE_NAME = "safecommune_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
FORMAT_MODULE_PATH = ["safecommune.formats"]
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Request limits and security ------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("SAFECOMMUNE_MAX_BODY_BYTES", str(1024 * 1024)))
SAFECOMMUNE_MAX_BODY_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_https = env_bool("SAFECOMMUNE_HTTPS", False)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https and env_bool("SAFECOMMUNE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _https else None
# The field key ring (docs/decisions/0017); empty means VAR_DIR/field-keys.json.
SAFECOMMUNE_FIELD_KEYS_FILE = os.environ.get("SAFECOMMUNE_FIELD_KEYS_FILE", "")

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SAFECOMMUNE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Domain ---------------------------------------------------------------------------------
# Date the 2025 two-tier structure took effect; the pre-2025 structure ends the day before.
SAFECOMMUNE_REFORM_DATE = os.environ.get("SAFECOMMUNE_REFORM_DATE", "2025-07-01")
# Circle rule: a commune without an imported polygon covers the disc of its area around its
# centroid, widened by this factor (docs/decisions/0004-circle-rule.md).
SAFECOMMUNE_CIRCLE_FACTOR = float(os.environ.get("SAFECOMMUNE_CIRCLE_FACTOR", "1.0"))
SAFECOMMUNE_MAP_TILE_URL = os.environ.get(
    "SAFECOMMUNE_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
# Empty tile URL: maps draw on a blank background (docs/decisions/0021-map.md).
SAFECOMMUNE_MAP_TILE_ATTRIBUTION = os.environ.get(
    "SAFECOMMUNE_MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors')
# The incidents map sends at most this many points; the rest are counted, not drawn.
SAFECOMMUNE_MAP_POINTS_MAX = int(os.environ.get("SAFECOMMUNE_MAP_POINTS_MAX", "5000"))
SAFECOMMUNE_SEARCH_LIMIT = 50
SAFECOMMUNE_IDEMPOTENCY_HOURS = int(os.environ.get("SAFECOMMUNE_IDEMPOTENCY_HOURS", "24"))

# Residence rules (Law on Residence 2020, Circular 55/2021): every limit can be changed here.
SAFECOMMUNE_TEMP_RESIDENCE_MAX_DAYS = int(os.environ.get("SAFECOMMUNE_TEMP_RESIDENCE_MAX_DAYS",
                                                         "730"))
SAFECOMMUNE_TEMP_RESIDENCE_REMINDER_DAYS = int(
    os.environ.get("SAFECOMMUNE_TEMP_RESIDENCE_REMINDER_DAYS", "15"))
SAFECOMMUNE_ABSENCE_DECLARE_AFTER_DAYS = int(
    os.environ.get("SAFECOMMUNE_ABSENCE_DECLARE_AFTER_DAYS", "365"))
SAFECOMMUNE_ABSENCE_MILITARY_AGE_DAYS = int(
    os.environ.get("SAFECOMMUNE_ABSENCE_MILITARY_AGE_DAYS", "90"))
SAFECOMMUNE_STAY_CUTOFF = os.environ.get("SAFECOMMUNE_STAY_CUTOFF", "23:00")
SAFECOMMUNE_STAY_LATE_ARRIVAL_DEADLINE = os.environ.get("SAFECOMMUNE_STAY_LATE_ARRIVAL_DEADLINE",
                                                        "08:00")
SAFECOMMUNE_FOREIGNER_DECLARATION_HOURS = int(
    os.environ.get("SAFECOMMUNE_FOREIGNER_DECLARATION_HOURS", "12"))
SAFECOMMUNE_STAY_MAX_DAYS = int(os.environ.get("SAFECOMMUNE_STAY_MAX_DAYS", "30"))
SAFECOMMUNE_TIP_FORWARD_HOURS = int(os.environ.get("SAFECOMMUNE_TIP_FORWARD_HOURS", "24"))
SAFECOMMUNE_TIP_FORWARD_HOURS_REMOTE = int(os.environ.get("SAFECOMMUNE_TIP_FORWARD_HOURS_REMOTE",
                                                          "48"))
SAFECOMMUNE_IMPORT_MAX_BYTES = int(os.environ.get("SAFECOMMUNE_IMPORT_MAX_BYTES",
                                                  str(200 * 1024 * 1024)))
# Photos (persons now, incident reports later; docs/decisions/0015-images.md): the upload's
# size is checked before decoding, its pixel count from the header before any pixel is
# decoded; the kept JPEG is scaled down to the longer side given.
SAFECOMMUNE_PHOTO_MAX_BYTES = int(os.environ.get("SAFECOMMUNE_PHOTO_MAX_BYTES",
                                                 str(10 * 1024 * 1024)))
SAFECOMMUNE_PHOTO_MAX_PIXELS = int(os.environ.get("SAFECOMMUNE_PHOTO_MAX_PIXELS", "50000000"))
SAFECOMMUNE_PHOTO_MAX_SIDE = int(os.environ.get("SAFECOMMUNE_PHOTO_MAX_SIDE", "1600"))
# Caps of the public receipts service per address and window (receipts/services.py RATE_LIMITS),
# e.g. '{"submit": 10}'; benchmarks raise them, since all their requests come from one address.
SAFECOMMUNE_PUBLIC_RATE_LIMITS = json.loads(os.environ.get("SAFECOMMUNE_PUBLIC_RATE_LIMITS")
                                            or "{}")
SAFECOMMUNE_REPORT_MAX_PHOTOS = int(os.environ.get("SAFECOMMUNE_REPORT_MAX_PHOTOS", "5"))
# A multipart body (file upload) may hold the largest import or a report's photos, plus form
# fields; core/middleware.py refuses anything larger before it is read.
SAFECOMMUNE_MAX_UPLOAD_BYTES = int(os.environ.get("SAFECOMMUNE_MAX_UPLOAD_BYTES", str(
    max(SAFECOMMUNE_IMPORT_MAX_BYTES, SAFECOMMUNE_PHOTO_MAX_BYTES * SAFECOMMUNE_REPORT_MAX_PHOTOS)
    + 1024 * 1024)))
SAFECOMMUNE_DEMO_POPULATION_SCALE = float(os.environ.get("SAFECOMMUNE_DEMO_POPULATION_SCALE",
                                                         "1.0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFECOMMUNE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "apscheduler": {"level": "WARNING"},
    },
}

SAFECOMMUNE_LANGUAGE_LABELS = {
    "vi": _("Vietnamese"),
    "en": _("English"),
    "sv": _("Swedish"),
    "ru": _("Russian"),
}
