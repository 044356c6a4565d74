"""Filière settings, read from the environment (12-factor).

DATABASE_URL   default: SQLite file db.sqlite3 next to manage.py
SECRET_KEY     required to serve when DEBUG is off
DEBUG          "1"/"true" to enable (default: off)
ALLOWED_HOSTS  comma-separated
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Without a key, commands that serve nothing (makemigrations, migrate, check…) still run on a public placeholder;
# serving refuses it when DEBUG is off (config/wsgi.py, so gunicorn and runserver) and `check --deploy` flags it.
SECRET_KEY_MISSING = not SECRET_KEY
if SECRET_KEY_MISSING:
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's widget templates for the project's form renderer (core.forms.FormRenderer renders through TEMPLATES).
    "django.forms",
    "django_filters",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # django-ninja: the API (api/); installed for its vendored Swagger UI files
    # Filière's apps, lowest layer first (docs/developing.md): each imports only from the apps listed before it.
    "core",
    "territory",
    "security",
    "accounts",
    "jobs",
    # After jobs: its `db_worker` command (heartbeat, stale jobs taken back, survives a database outage) replaces
    # the library's (the first app listed wins).
    "django_tasks_db",
    "donations",
    "equipment",
    "beneficiaries",
    "distributions",
    "reports",
    "privacy",
    "api",
    "home",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "security.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "security.middleware.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "security.middleware.TwoFactorMiddleware",
    "security.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
                "accounts.context_processors.programme",
            ],
        },
    },
]

# Persistent connections: opening a PostgreSQL connection (a new server process, authentication) costs more than a
# whole page's queries (6-15 ms on the loopback under load, against 0.2 ms for a query); gunicorn's sync workers
# keep one each, for up to CONN_MAX_AGE seconds, checked before the first query of each request (no error page
# after a database restart). Off under DEBUG: runserver's thread per request would leave them behind.
conn_max_age = int(os.environ.get("CONN_MAX_AGE", "0" if DEBUG else "60"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=conn_max_age, conn_health_checks=True
    )
}
# PostgreSQL's JIT compiler is meant for long analytical queries: on this application's short queries it costs
# far more than it saves (the planner overestimates a few report queries, then spends ~0.5 s compiling one that
# runs in 10 ms). Off for Filière's connections; the server's own setting is left alone.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Reports may read from a PostgreSQL streaming replica (docs/guides/scaling.md): DATABASE_REPLICA_URL.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=conn_max_age, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASE_ROUTERS = ["core.db.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (big exports, an event's PDFs, big imports): Django's tasks framework, stored in the database
# (django-tasks-db) and run by `python manage.py db_worker` on any machine that reaches the database.
# Background jobs go through the database to `manage.py db_worker` (make worker). Under DEBUG (make run) they run
# at once in the request, so that the demo needs no second process.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend" if DEBUG else "django_tasks_db.DatabaseBackend",
        )
    }
}

# The task worker (jobs.worker): how often it says it and its job are alive, after how long a running job that
# went silent (worker killed, machine lost) is taken back by another worker, and how many times interrupted work
# that is safe to repeat is started again before it is failed with a French reason.
JOBS = {
    "HEARTBEAT_SECONDS": float(os.environ.get("JOB_HEARTBEAT_SECONDS", "5")),
    "STALE_SECONDS": float(os.environ.get("JOB_STALE_SECONDS", "60")),
    "MAX_ATTEMPTS": int(os.environ.get("JOB_MAX_ATTEMPTS", "3")),
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:landing"  # each role lands on its work (accounts.landing)
LOGOUT_REDIRECT_URL = "accounts:login"

# Argon2 first (recommended by OWASP and the ANSSI); the others only read hashes made before the switch.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# CNIL (délibération 2022-100): 12 characters of four kinds, or a passphrase of 20 characters or more.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.CnilPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
# The site exists in French only: no LocaleMiddleware negotiating among Django's ~100 languages on every request.
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# Plain French for Django's own validation messages (locale/fr/LC_MESSAGES/django.po overrides Django's catalogue).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded and generated files: the local disk (MEDIA_ROOT), or S3-compatible object storage shared by every
    # app server and worker when AWS_STORAGE_BUCKET_NAME is set (django-storages; see docs/guides/scaling.md).
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
                "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
                "location": os.environ.get("AWS_LOCATION", ""),
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "300")),
                "file_overwrite": False,
            },
        }
        if os.environ.get("AWS_STORAGE_BUCKET_NAME")
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Uploads (CSV, snapshots): refuse anything bigger than this, in bytes.
FILE_UPLOAD_MAX_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_SIZE", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_SIZE

# Every form of the site renders through one renderer and one field template (templates/forms/field.html).
FORM_RENDERER = "core.forms.FormRenderer"

# E-mail through Django 6.1's MAILERS: printed to the console in development, SMTP from the environment in
# production (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL).
_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_email_backend = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if DEBUG else _SMTP_BACKEND
)
_email_options = {}
if _email_backend == _SMTP_BACKEND:
    _email_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ["EMAIL_PORT"]) if os.environ.get("EMAIL_PORT") else None,
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "use_ssl": env_bool("EMAIL_USE_SSL"),
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "filiere@localhost")

# Cache: the rate limits of the public forms (core.ratelimit). Several gunicorn workers or machines must share it,
# or each counts apart and a limit of 5 lets 5 per worker through: REDIS_URL=redis://host:6379/0 (Redis, through
# Django's RedisCache; `make serve` refuses several workers without it when DEBUG is off). Without REDIS_URL: local
# memory, right for one process only (runserver, tests). Keys start with CACHE_KEY_PREFIX, and clearing the cache
# deletes those keys only (core.cache), never the rest of a shared Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "core.cache.PrefixedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "filiere"),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "filiere"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Django names the path of refused requests in its log lines: tokens masked, no query string (core.logmask).
    "filters": {"mask_paths": {"()": "core.logmask.MaskPathsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_paths"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # psycopg warns when it cannot tidy up after an error it raises anyway (« error ignored terminating
    # <psycopg.Copy> »): the error itself is handled and said in French, its echo would be a second, English line.
    "loggers": {"psycopg": {"level": "ERROR"}},
}

# --- Programme settings (one deployment per territory can change them) ---
_RETENTION_YEARS = int(os.environ.get("FILIERE_RETENTION_YEARS", "2"))
FILIERE = {
    "PROGRAMME_NAME": os.environ.get("FILIERE_PROGRAMME_NAME", "Filière — Numérique solidaire en Porte du Hainaut"),
    "TERRITORY_NAME": os.environ.get("FILIERE_TERRITORY_NAME", "La Porte du Hainaut"),
    "REFURBISHER_NAME": os.environ.get("FILIERE_REFURBISHER_NAME", "ATIS"),
    "ASSET_TAG_PREFIX": os.environ.get("FILIERE_ASSET_TAG_PREFIX", "PH"),
    "SENIOR_AGE": int(os.environ.get("FILIERE_SENIOR_AGE", "60")),
    "CERTIFICATION_VALIDITY_MONTHS": int(os.environ.get("FILIERE_CERTIFICATION_VALIDITY_MONTHS", "6")),
    "PROGRAMME_PERIOD_YEARS": int(os.environ.get("FILIERE_PROGRAMME_PERIOD_YEARS", "3")),
    # Check-in and handover are recorded on the event's day; this many days before and after are accepted too
    # (1: the handovers typed in the next morning from the signed sheets).
    "EVENT_DAY_MARGIN_DAYS": int(os.environ.get("FILIERE_EVENT_DAY_MARGIN_DAYS", "0")),
    # Handover sheets and invitation letters (distributions): partners named, warranty, support, data notice.
    "PARTNERS": os.environ.get("FILIERE_PARTNERS", "ATIS (reconditionnement), Emmaüs Connect (prise en main)"),
    "WARRANTY": os.environ.get(
        "FILIERE_WARRANTY",
        "Matériel reconditionné garanti 6 mois à compter de la remise (panne matérielle, hors casse et oxydation).",
    ),
    "SUPPORT_CONTACT": os.environ.get(
        "FILIERE_SUPPORT_CONTACT", "ATIS, 03 27 00 00 00, du lundi au vendredi de 9 h à 17 h"
    ),
    # The information notice given to households: read to them on the household form, printed on handover sheets.
    "DATA_NOTICE": os.environ.get(
        "FILIERE_DATA_NOTICE",
        "Vos données (identité, adresse, contact, critères d'éligibilité, matériel remis) servent uniquement au "
        "programme : vérifier votre droit, vous inviter, préparer votre fiche de remise, suivre la garantie. Seules "
        "votre structure et la coordination du programme les voient ; partenaires et reconditionneur ne voient "
        f"jamais vos critères. Sans contact pendant {_RETENTION_YEARS} ans, elles sont effacées. Pour les consulter, "
        "les corriger ou les effacer : votre structure ou la coordination du programme ; réclamation : CNIL "
        "(cnil.fr).",
    ),
    # Personal data (beneficiaries.retention, beneficiaries.access_log): households without contact for this many
    # years are anonymised (`anonymise_households`); access-log rows are deleted after this many months
    # (`purge_access_log`).
    "RETENTION_YEARS": _RETENTION_YEARS,
    "ACCESS_LOG_RETENTION_MONTHS": int(os.environ.get("FILIERE_ACCESS_LOG_RETENTION_MONTHS", "12")),
    # Duplicate warnings (beneficiaries.duplicates): how many households of other structures one person may be told
    # about per day (structure and registration date); past it, the warning says « another structure » only. Every
    # match is written to the access log either way.
    "DUPLICATE_MATCHES_PER_DAY": int(os.environ.get("FILIERE_DUPLICATE_MATCHES_PER_DAY", "10")),
    # Public donor form: address donors write to, public address of the site for links in e-mails (else the
    # request's), the request header holding the client address, and offers accepted per address per hour.
    "DONOR_CONTACT_EMAIL": os.environ.get("FILIERE_DONOR_CONTACT_EMAIL", DEFAULT_FROM_EMAIL),
    "PUBLIC_URL": os.environ.get("FILIERE_PUBLIC_URL", "").rstrip("/"),
    "CLIENT_IP_HEADER": os.environ.get("FILIERE_CLIENT_IP_HEADER", "REMOTE_ADDR"),
    "OFFERS_PER_HOUR": int(os.environ.get("FILIERE_OFFERS_PER_HOUR", "5")),
    "OFFER_ATTEMPTS_PER_HOUR": int(os.environ.get("FILIERE_OFFER_ATTEMPTS_PER_HOUR", "30")),
    # Login lockout (security.lockout): refused logins counted over a sliding window, per account and per address
    # (higher: a whole office may share one address).
    "LOGIN_LOCKOUT_MINUTES": int(os.environ.get("FILIERE_LOGIN_LOCKOUT_MINUTES", "15")),
    "LOGIN_FAILURES_PER_ACCOUNT": int(os.environ.get("FILIERE_LOGIN_FAILURES_PER_ACCOUNT", "5")),
    "LOGIN_FAILURES_PER_ADDRESS": int(os.environ.get("FILIERE_LOGIN_FAILURES_PER_ADDRESS", "30")),
    # Workbench direct upload (POST /api/v1/snapshot/): snapshots accepted per token per hour (retries count).
    "WORKBENCH_UPLOADS_PER_HOUR": int(os.environ.get("FILIERE_WORKBENCH_UPLOADS_PER_HOUR", "300")),
    # Second factor (security.two_factor): required of these roles (the ones that read households), of every account
    # that opens the admin, and of anyone who turned it on; offered to everyone. Demo accounts are exempt under DEBUG.
    "TWO_FACTOR_ROLES": env_list("FILIERE_TWO_FACTOR_ROLES", "coordination,prescripteur,partenaire"),
}

# Demo accounts (password "demo") are only accepted while DEBUG is on.
DEMO_MODE = DEBUG

AUTHENTICATION_BACKENDS = ["accounts.backends.FiliereBackend"]

# --- Security (production defaults; DEBUG turns the HTTPS-only ones off for local runs) ---
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Shared office PCs: sessions end after 30 idle minutes and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 30 * 60))
# The idle expiry moves on at most once a minute (security.middleware.SessionRefreshMiddleware) rather than with a
# session write on every page (SESSION_SAVE_EVERY_REQUEST): 30 idle minutes still end a session, give or take one.
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A refused form (stale page, sign-in in another tab, no cookies) gets a French page in the site's layout.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
# Content Security Policy (Django's own middleware): scripts only from our static files, never inline; no framing.
# Inline styles stay allowed (style="" attributes in the admin and a few templates); they cannot run code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Two-factor authentication (security.two_factor): the name shown in the authenticator app.
OTP_TOTP_ISSUER = "Filière"
# W021: joining the browsers' HSTS preload list is a per-deployment decision (it cannot be undone quickly);
# set SECURE_HSTS_PRELOAD=true once the domain is ready for it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
