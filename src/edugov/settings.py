"""Django settings for edugov.

Every integration switches on by an environment variable and falls back to the embedded
default (SQLite, local-memory cache, database task queue) when the variable is absent.
Production (EDUGOV_ENV=production) fails fast on missing secrets.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("EDUGOV_DATA_DIR", PROJECT_DIR / "var"))
NODE_MODULES = Path(os.environ.get("EDUGOV_NODE_MODULES", PROJECT_DIR / "node_modules"))

PRODUCTION = os.environ.get("EDUGOV_ENV", "development") == "production"
DEBUG = os.environ.get("EDUGOV_DEBUG", "0" if PRODUCTION else "1") == "1"

SECRET_KEY = os.environ.get("EDUGOV_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("EDUGOV_SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-insecure-key-not-for-production"

# Encryption at rest of minors' personal data (common/fields.py): Fernet keys, newest first.
from edugov.common.fields import dev_field_key, parse_field_keys  # noqa: E402

FIELD_KEYS = parse_field_keys(os.environ.get("EDUGOV_FIELD_KEYS", ""))
if not FIELD_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("EDUGOV_FIELD_KEYS must be set in production")
    FIELD_KEYS = [dev_field_key(SECRET_KEY)]

# Proxies whose X-Forwarded-For is believed (edugov.common.clients): the reverse proxy on this
# machine by default, as gunicorn's --forwarded-allow-ips.
TRUSTED_PROXIES = [
    h.strip() for h in os.environ.get("EDUGOV_TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if h.strip()
]
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("EDUGOV_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
if not PRODUCTION:
    ALLOWED_HOSTS += ["testserver", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "edugov.common",
    "edugov.accounts",
    "edugov.audit",
    "edugov.registry",
    "edugov.standards",
    "edugov.resources",
    "edugov.indicators",
    "edugov.ingest",
    "edugov.reports",
    "edugov.web",
    "edugov.demo",
    "edugov.api",
    "edugov.burden",
    "edugov.tutoring",
    "edugov.rectification",
    "edugov.supervision",
    "edugov.quality",
    "edugov.groups",
    "edugov.party",
    "edugov.appraisal",
    "edugov.planning",
    "edugov.workforce",
    "edugov.warehouse",
    "edugov.ops",
    "edugov.scheduler",
    "edugov.safety",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the app server (gunicorn), before sessions and the rest.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "edugov.accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "edugov.audit.middleware.AuditContextMiddleware",
    "edugov.web.middleware.DomainErrorMiddleware",
    # Axes must be last: it inspects the response of the authentication views.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "edugov.urls"
WSGI_APPLICATION = "edugov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "edugov.web.context_processors.navigation",
            ],
        },
    },
]

# Database: embedded SQLite unless DATABASE_URL names another server.
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'edugov.sqlite3'}",
        conn_max_age=int(os.environ.get("EDUGOV_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the import worker write while pages read; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("EDUGOV_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "edugov.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "edugov.accounts.validators.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# Session expiry: idle sessions end after two hours and at browser close. Use renews the expiry
# at most once a minute (accounts.middleware), not with a write on every request. With Redis the
# sessions are read from the cache and written through to the database; with the per-process
# local-memory cache they stay in the database only (a logout in one process must end the
# session in every other).
SESSION_COOKIE_AGE = int(os.environ.get("EDUGOV_SESSION_SECONDS", str(2 * 3600)))
SESSION_RENEW_SECONDS = 60
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if os.environ.get("REDIS_URL") else "db")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling: lock the username+address pair after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("EDUGOV_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# The client behind the reverse proxy, as the request budgets and the audit trail read it.
AXES_CLIENT_IP_CALLABLE = "edugov.common.clients.client_address"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]  # Chinese only: everything a user reads is Chinese
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end packages come from npm at set-up (`npm ci`); nothing third-party is committed.
STATICFILES_DIRS = [
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
# WhiteNoise serves them with DEBUG off too: from the finders (no collectstatic step needed; the
# files are indexed once at start), or from STATIC_ROOT after `edugov collectstatic`.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

# Uploads: large files stream to disk; the import framework enforces its own size limits.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
EDUGOV_IMPORT_MAX_BYTES = int(os.environ.get("EDUGOV_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
EDUGOV_IMPORT_INLINE_ROWS = 5000  # files up to this many data rows import inside the request

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Chinese parse errors, and a 400 for bodies nested too deep (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "edugov.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter's backend with number filters bounded to 64 bits (api/filters.py).
        "edugov.api.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # drf-spectacular, with each module's Chinese label as the tag of its untagged operations.
    "DEFAULT_SCHEMA_CLASS": "edugov.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "edugov.common.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "1200/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "edugov API",
    "DESCRIPTION": "区域教育治理平台 REST API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A fixed component name for choice sets whose field name ("kind", "status") recurs elsewhere.
    "ENUM_NAME_OVERRIDES": {
        "ExamKindEnum": "edugov.burden.models.ExamKind",
        "SupervisionKindEnum": "edugov.supervision.models.SupervisionKind",
        "InstitutionStatusEnum": "edugov.tutoring.models.InstitutionStatus",
        "AssessmentKindEnum": "edugov.quality.models.AssessmentKind",
        "ExchangeKindEnum": "edugov.workforce.models.ExchangeKind",
        "GroupKindEnum": "edugov.groups.models.GroupKind",
        "ActivityKindEnum": "edugov.groups.models.ActivityKind",
        "CellKindEnum": "edugov.safety.models.CellKind",
        "HazardKindEnum": "edugov.safety.models.HazardKind",
        "WaterKindEnum": "edugov.safety.models.WaterKind",
        "DrillKindEnum": "edugov.safety.models.DrillKind",
        "LessonKindEnum": "edugov.safety.models.LessonKind",
        "IncidentKindEnum": "edugov.safety.models.IncidentKind",
        "ProjectKindEnum": "edugov.planning.models.ProjectKind",
        "InstitutionCategoryEnum": "edugov.tutoring.models.Category",
        "QuotaStatusEnum": "edugov.planning.models.QuotaStatus",
        "DimensionKindEnum": "edugov.appraisal.models.DimensionKind",
        "AwardLevelEnum": "edugov.quality.models.AwardLevel",
    },
}

# Production hardening.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content security policy (django-csp): scripts only from this site or inline with the request's
# nonce (<script nonce="{{ request.csp_nonce }}">); styles may be inline (ECharts and htmx set them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", CSP_NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("EDUGOV_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("EDUGOV_LOG_LEVEL", "WARNING")},
}

# 优质均衡: how nine-year and twelve-year schools' facilities are split between primary and junior
# parts ("students": by share of pupils; "classes": by share of classes). Named on every evaluation.
EDUGOV_APPORTION_BASIS = os.environ.get("EDUGOV_APPORTION_BASIS", "students")
