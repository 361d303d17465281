"""Settings read from the environment.

The defaults give the *embedded* shape that `make run` uses on a fresh machine: a SQLite file, Celery on
kombu's filesystem transport (no broker server), media in a local folder. Setting `DATABASE_URL` and
`REDIS_URL` switches the same code to PostgreSQL and Redis. `portal.settings.production` adds the checks
that refuse an unsafe production start.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key-change-me"  # noqa: S105 - production refuses it
SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "portal.views.errors.csrf_failure"  # the 403 page in the layout and the language

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",  # the Django admin, behind the two-step login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "portal.vendor_apps.OTPConfig",  # django_otp, django_otp.plugins.otp_totp, axes: translated names
    "portal.vendor_apps.TOTPConfig",
    "portal.vendor_apps.AxesConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    "csp",
    "portal",
    "approvals",
    "agents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.RenewingSessionMiddleware",  # Django's, renewing an idle-timed session once a minute
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.input_guard.InputGuardMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.audit_hooks.AuditMiddleware",  # 403s and the admin's changes, with the client's address
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.StaffSecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
                "portal.context_processors.notifications",
            ],
        },
    }
]

# --- Database: SQLite file by default, DATABASE_URL for PostgreSQL (psycopg 3 with its native pool).
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Prepared statements (docs/performance.md, "Prepared statements"): psycopg prepares a statement once a
    # connection has run it DB_PREPARE_THRESHOLD times, and PostgreSQL then re-uses its plan instead of planning
    # it on every request. Planning was most of the database's time for the ORM's wide joins (6 ms to plan an
    # application's reviews with their items, departments, stage, signers and signature; 0.5 ms to run it).
    # Needs server-side parameter binding. Off (DB_PREPARED_STATEMENTS=false) behind a pooler in transaction mode
    # that cannot keep prepared statements (PgBouncer before 1.21).
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=env.int("DB_PREPARE_THRESHOLD", default=5))
    if env.bool("DB_POOL", default=True):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN", default=1),
            "max_size": env.int("DB_POOL_MAX", default=10),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; a busy timeout instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

# Least privilege on PostgreSQL (deploy/postgres/roles.sql): DATABASE_URL names the app's role, which may only
# INSERT and SELECT audit entries; `manage.py migrate` connects with MIGRATION_DATABASE_URL (the owner) when set.
MIGRATION_DATABASE_URL = env.str("MIGRATION_DATABASE_URL", default="")
if MIGRATION_DATABASE_URL:
    MIGRATION_DATABASE = env.db_url_config(MIGRATION_DATABASE_URL)

# Audit log (docs/security.md, "Audit"): `verify_audit` accepts an entry this many seconds earlier than the one
# before it (clocks of several web hosts), no more. The client address is REMOTE_ADDR unless that is one of
# TRUSTED_PROXIES (addresses or networks of the TLS proxy), then the proxy's X-Forwarded-For.
AUDIT_CLOCK_TOLERANCE_SECONDS = env.float("AUDIT_CLOCK_TOLERANCE_SECONDS", default=5.0)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# Sessions end after inactivity (等保 2.0: session timeout): activity renews them, at most once per
# SESSION_RENEW_SECONDS (portal.middleware.RenewingSessionMiddleware), so the timeout holds to within that and a
# page view is not a write transaction.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login-failure handling: 5 failures lock the username for 15 minutes (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# The lock holds a username *from one address*: failures from elsewhere cannot lock a chief out of their own
# desk (a denial of service anyone could aim at any official), and one person's typos in a service hall behind
# one NAT address do not lock the others out either.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
# The API answers a lockout in JSON, the pages with the template (portal.services.authentication).
AXES_LOCKOUT_CALLABLE = "portal.services.authentication.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "一站式审批门户"

# API tokens (portal.services.tokens): a new one per login, revocable, expiring. Staff tokens live hours.
API_TOKEN_STAFF_HOURS = env.int("API_TOKEN_STAFF_HOURS", default=8)
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=30 * 24)
if API_TOKEN_STAFF_HOURS < 1 or API_TOKEN_HOURS < 1:
    raise ImproperlyConfigured("API_TOKEN_STAFF_HOURS and API_TOKEN_HOURS must be at least 1 hour.")

# --- Content-Security-Policy (django-csp), in every shape so tests and browser tests see what production sends:
# scripts, styles, fonts and images only from the portal itself; no inline script, no inline style, no plugin,
# no framing. The one addition: the Redoc page's style-src has a per-response nonce for the <style> elements Redoc
# writes (portal.urls); no page allows 'unsafe-inline'.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Internationalisation: Simplified Chinese by default, English on request.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Office hours for hour-based limits (the 2-hour rule) and the end of a due working day.
OFFICE_HOURS = env.str("OFFICE_HOURS", default="09:00-12:00,13:30-17:30")
# How often a process re-reads the calendar's shared version (approvals/calendar/loading.py); 0: on every use.
CALENDAR_VERSION_CHECK_SECONDS = env.float("CALENDAR_VERSION_CHECK_SECONDS", default=1.0)

# --- Static and media: served by the portal itself, never from a CDN.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root otherwise

# Uploaded materials: checked by content (PDF, PNG, JPEG), size and page count.
MATERIAL_MAX_BYTES = env.int("MATERIAL_MAX_MB", default=20) * 1024 * 1024
MATERIAL_MAX_PAGES = env.int("MATERIAL_MAX_PAGES", default=200)
# An image is judged by its header before any pixel is decoded: beyond this many pixels it is refused.
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_MEGAPIXELS", default=50) * 1_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Hostile input (portal.input_guard, docs/security.md): a body is refused by its Content-Length beyond
# DATA_UPLOAD_MAX_MEMORY_SIZE, or beyond this for a multipart upload (a few materials at their size limit);
# API JSON deeper than API_JSON_MAX_DEPTH levels is refused.
REQUEST_MAX_UPLOAD_BYTES = env.int("REQUEST_MAX_UPLOAD_MB", default=4 * MATERIAL_MAX_BYTES // 1_048_576 + 1) * 1_048_576
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
INPUT_MAX_FIELD_CHARS = env.int("INPUT_MAX_FIELD_CHARS", default=10_000)  # any one form, query or JSON string

# The unified payment platform signs its callbacks (POST /api/v1/payments/callback/) with an HMAC-SHA256 of the
# body under this shared secret. The default only serves `make run`; production refuses it (docs/fees.md).
DEFAULT_PAYMENT_CALLBACK_SECRET = "dev-only-payment-callback-secret-change-me"  # noqa: S105 - production refuses it
PAYMENT_CALLBACK_SECRET = env.str("PAYMENT_CALLBACK_SECRET", default=DEFAULT_PAYMENT_CALLBACK_SECRET)
# Issued documents (docs/documents.md): the seals' keys and certificates live in files outside the database, the
# private keys encrypted (PKCS#8) with SEAL_KEY_PASSPHRASE; production refuses the default passphrase.
PORTAL_DISTRICT = env.str("PORTAL_DISTRICT", default="重庆市渝北区")  # completes 区城市管理局 on seals and documents
SEALS_DIR = Path(env.str("SEALS_DIR", default=str(VAR_DIR / "seals")))
DEFAULT_SEAL_KEY_PASSPHRASE = "dev-only-seal-passphrase"  # noqa: S105 - production refuses it
SEAL_KEY_PASSPHRASE = env.str("SEAL_KEY_PASSPHRASE", default=DEFAULT_SEAL_KEY_PASSPHRASE)
SEAL_TIMESTAMP_URL = env.str("SEAL_TIMESTAMP_URL", default="")  # an RFC 3161 server: PAdES B-T instead of B-B
PDF_FONT_DIR = Path(env.str("PDF_FONT_DIR", default=str(VAR_DIR / "fonts")))  # the compact CJK font, made once
DOCUMENT_VERIFY_MAX_BYTES = env.int("DOCUMENT_VERIFY_MAX_MB", default=10) * 1024 * 1024

# Clock lights: yellow when the smaller of these is left (issue 4 makes them sweep).
# seed_demo loads bundles in every state (approvals/demo/live_work.py) unless this is off (the test suite turns it
# off for tests that expect an empty district; the tests of the live work turn it on).
DEMO_LIVE_WORK = env.bool("DEMO_LIVE_WORK", default=True)

CLOCK_YELLOW_DAYS = env.float("CLOCK_YELLOW_DAYS", default=1.0)
CLOCK_YELLOW_FRACTION = env.float("CLOCK_YELLOW_FRACTION", default=0.25)

# 告知承诺: the department verifies a decision made on commitment (事后核查) within this many working days.
COMMITMENT_CHECK_DAYS = env.int("COMMITMENT_CHECK_DAYS", default=20)
if COMMITMENT_CHECK_DAYS < 1:
    raise ImproperlyConfigured("COMMITMENT_CHECK_DAYS must be at least 1 working day.")

# 好差评 (docs/ratings.md): a bad review's call-back and rectification limits in working days (local rules say 5
# to 15), the 回头看 re-check in calendar days after the rectification, the supervisors' pain points' limit.
RECTIFICATION_CALLBACK_DAYS = env.int("RECTIFICATION_CALLBACK_DAYS", default=1)
RECTIFICATION_DAYS = env.int("RECTIFICATION_DAYS", default=15)
RECTIFICATION_RECHECK_DAYS = env.int("RECTIFICATION_RECHECK_DAYS", default=30)
PAIN_POINT_DAYS = env.int("PAIN_POINT_DAYS", default=5)
for _name in ("RECTIFICATION_CALLBACK_DAYS", "RECTIFICATION_DAYS", "RECTIFICATION_RECHECK_DAYS", "PAIN_POINT_DAYS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1 day.")

# --- Celery: kombu's filesystem transport by default (no server); REDIS_URL switches to Redis.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_DATA_DIR = Path(env.str("CELERY_DATA_DIR", default=str(VAR_DIR / "celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
                                       "socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 0}
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
    CELERY_REDIS_SOCKET_TIMEOUT = 5
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
# A broker that is down must not hang a request: publishing gives up quickly (the sweep relays later).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "beat-schedule")
DEADLINE_SWEEP_SECONDS = env.float("DEADLINE_SWEEP_SECONDS", default=60.0)
METRICS_REFRESH_SECONDS = env.float("METRICS_REFRESH_SECONDS", default=600.0)
METRICS_REFRESH_LOOKBACK_DAYS = env.int("METRICS_REFRESH_LOOKBACK_DAYS", default=45)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "portal.tasks.record_heartbeat", "schedule": 60.0, "args": ("beat",)},
    "deadline-sweep": {"task": "approvals.tasks.sweep_deadlines", "schedule": DEADLINE_SWEEP_SECONDS,
                       "options": {"expires": DEADLINE_SWEEP_SECONDS}},
    # The aggregate tables of the supervision figures (docs/metrics.md#aggregates): the days touched since the
    # last refresh, from METRICS_REFRESH_LOOKBACK_DAYS before it.
    "metrics-refresh": {"task": "approvals.tasks.refresh_metrics", "schedule": METRICS_REFRESH_SECONDS,
                        "options": {"expires": METRICS_REFRESH_SECONDS}},
    # The previous month's sealed supervision report, ordered once (every 6 hours: idempotent).
    "monthly-report": {"task": "approvals.tasks.order_monthly_reports", "schedule": 6 * 3600.0,
                       "options": {"expires": 3600.0}},
}

# --- Cache: shared by the web, worker and beat processes (the calendar's version key lives here), so a
# file-based cache in the embedded shape and Redis in the service shape.
if REDIS_URL:
    # Short timeouts: an unreachable Redis must degrade the calendar cache, not hold requests for minutes.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}

PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
PORTAL_MAIL_DOMAIN = env.str("PORTAL_MAIL_DOMAIN", default="portal.localhost")
# Mail: under `make run` every e-mail is written to a file in var/mail/ (one .log file per message) for a tester
# to read; EMAIL_BACKEND (e.g. django.core.mail.backends.smtp.EmailBackend) sends it for real.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")

# --- REST API
REST_FRAMEWORK = {
    # The token scheme first: DRF challenges with the first class's `authenticate_header`, so a missing, invalid
    # or expired token is a 401 with `WWW-Authenticate: Token` (the session class has no challenge, and with it
    # first DRF turned every authentication failure into a 403). A signed-in caller refused stays a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "portal.input_guard.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "One-stop approval portal API",
    "DESCRIPTION": "一站式审批门户 REST API (v1)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.document_validation_errors",  # a 400 is the API's error or DRF's field errors
    ],
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "approvals.models.documents.DocumentKind",
        "DocumentStatusEnum": "approvals.models.documents.DocumentStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Role-aware navigation labels are translated once here and reused by the context processor.
PORTAL_NAME = _("One-stop Approval Portal")
