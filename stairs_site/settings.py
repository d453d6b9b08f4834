"""STAIRS settings: everything comes from the environment (django-environ).

With DEBUG on and nothing else set, the app runs on SQLite with Celery tasks run in-process and
email printed to the console. `make run` writes the same, with DEBUG off, to a local .env
(scripts/write-local-env). Production and the test suite set DATABASE_URL and REDIS_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env (the quick start's, or a developer's) fills in what the process environment does
# not set; the environment always wins. ENV_FILE names another file, or none when empty (the
# suite sets it empty so a checkout's demo settings never leak into the tests).
_env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if _env_file and Path(_env_file).is_file():
    env.read_env(_env_file)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin site is limited to CDE administrators (B14).
    "accounts.admin_config.StairsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "accounts",
    "students",
    "incidents",
    "appeals",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecurityAgreementMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks, so it sees the outcome of every sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stairs_site.urls"
WSGI_APPLICATION = "stairs_site.wsgi.application"

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
                "accounts.context_processors.navigation",
                "notifications.context_processors.notices",
                "stairs_site.context_processors.identity",
            ],
        },
    },
]

# The quick start's SQLite and in-process tasks are for DEBUG only: production fails loudly.
if not DEBUG and not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must be set when DEBUG is off.")
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# A relative SQLite path (the quick start's sqlite:///db.sqlite3) is beside manage.py, whatever
# folder a command is started from.
_database = DATABASES["default"]
if _database["ENGINE"].endswith("sqlite3") and _database["NAME"] != ":memory:":
    _database["NAME"] = str(BASE_DIR / _database["NAME"])
_database["ATOMIC_REQUESTS"] = False
# Each worker keeps its connection between requests: opening one costs a PostgreSQL backend's
# start, several milliseconds a page (bench/RESULTS.md, "Every page at state scale"); a dropped
# connection is noticed before the request uses it. The test process opens its own as before.
_database["CONN_MAX_AGE"] = env.int(
    "CONN_MAX_AGE", default=0 if env.bool("TESTING", default=False) else 600
)
_database["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's stock 4 MB per sort or bitmap makes the bitmap of a common name lossy at the
# state's size: a search for "garcia maria" then rechecked 427,000 rows, 0.3 s instead of 60 ms
# (bench/RESULTS.md, "Every page at state scale"). Per operation, per connection.
# Empty: the server's own (a pooler such as PgBouncer may refuse startup options).
_work_mem = env.str("DATABASE_WORK_MEM", default="16MB")
if _database["ENGINE"].endswith("postgresql") and _work_mem:
    _options = _database.setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c work_mem={_work_mem}".strip()

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out account is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in lockout (django-axes): failures are counted per account and address together. An
# address alone would let a few mistyped passwords behind one school's NAT lock out every
# coordinator there; an account alone would let anyone who knows an email keep its owner out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The locked-out owner retrying with the right password should not push the end further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.forms.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Idle session expiry: a coordinator's browser left open in a testing room signs itself out.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
# And an absolute limit from sign-in, however active the session.
SESSION_MAX_AGE = env.int("SESSION_MAX_AGE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_MAX_AGE
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env.bool("TESTING", default=False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env.bool("TESTING", default=False)

# The ribbon on every page of a non-production site ("demo", "staging"); empty in production.
STAIRS_ENVIRONMENT = env.str("STAIRS_ENVIRONMENT", default="")

# S-3: whom a coordinator phones about a breach before filing it (shown on the wizard's details).
STAIRS_CDE_PHONE = env.str("STAIRS_CDE_PHONE", default="916-445-8765")
STAIRS_CALTAC_PHONE = env.str("STAIRS_CALTAC_PHONE", default="800-955-2954")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env.bool("TESTING", default=False):
    # Hashing demo and factory passwords with PBKDF2 would dominate the suite's run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: one sender address that users are told to allow (N-4).
# EMAIL_URL (django-environ's form, e.g. smtp+tls://user:pass@host:587) becomes Django 6.1's
# MAILERS setting, which replaces the deprecated EMAIL_* settings.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_email_backend = _email["EMAIL_BACKEND"]
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": _email.get("EMAIL_HOST") or "localhost",
        "port": _email.get("EMAIL_PORT") or 25,
        "username": _email.get("EMAIL_HOST_USER") or "",
        "password": _email.get("EMAIL_HOST_PASSWORD") or "",
        "timeout": 20,
    }
    if _email.get("EMAIL_USE_SSL"):
        _email_options["use_ssl"] = True
    elif _email.get("EMAIL_USE_TLS"):
        _email_options["use_tls"] = True
elif _email_backend.endswith("filebased.EmailBackend"):
    # filemail:///var/mail/stairs names an absolute folder; django-environ drops its first "/".
    _email_path = _email.get("EMAIL_FILE_PATH") or ""
    _email_options = {"file_path": "/" + _email_path.lstrip("/") if _email_path else "sent-mail"}
else:
    _email_options = {}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="STAIRS <no-reply@stairs.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people open STAIRS at: the links in emails start with it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Celery on Redis. Without REDIS_URL every task runs in-process: with DEBUG on, or when asked
# for by TASKS_IN_PROCESS (the quick start's .env). A deployment never falls back silently.
REDIS_URL = env.str("REDIS_URL", default="")
if not REDIS_URL and not env.bool("TASKS_IN_PROCESS", default=DEBUG):
    raise ImproperlyConfigured(
        "REDIS_URL must be set when DEBUG is off. "
        "(For a local demo without Redis, set TASKS_IN_PROCESS=true.)"
    )
# The shared cache: Redis, so that what one gunicorn worker caches another may use and a change
# invalidates it for all. The test suite and the Redis-less quick start keep it in the process.
if REDIS_URL and not env.bool("TESTING", default=False):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "stairs",
        }
    }
# Sessions read from the cache and written through to the database: a signed-in page reads its
# session from Redis instead of querying PostgreSQL (bench/RESULTS.md, "Every page at state
# scale"). Only with a cache every worker shares, or in the test process: with a per-process
# cache one gunicorn worker could go on serving a session that another has signed out.
if REDIS_URL or env.bool("TESTING", default=False):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# How long a coordinator's dashboard may be served from the cache; any change to a case, note or
# appeal of its LEA or school ends it at once (incidents/dashboard_cache.py). 0: never cached.
DASHBOARD_CACHE_SECONDS = env.int(
    "DASHBOARD_CACHE_SECONDS", default=0 if env.bool("TESTING", default=False) else 300
)
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Emails the broker never took, retries whose pause is over, rows of a dead worker.
    "notifications-resend-unsent": {
        "task": "notifications.tasks.resend_unsent",
        "schedule": timedelta(minutes=1),
    },
    # Issue 10: the notes and decisions held for those who chose one email a day (Pacific).
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=30),
    },
    # N-5: each LEA coordinator's reminder of drafts while the testing window is open.
    "incidents-draft-reminders": {
        "task": "incidents.tasks.send_draft_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # N-3: CDE's digest of the appeals and cases waiting for its decision or approval.
    "incidents-cde-digest": {
        "task": "incidents.tasks.send_cde_digest",
        "schedule": crontab(hour=6, minute=30),
    },
    # T-1: mark online tests whose expiry has passed as Expired.
    "students-expire-test-events": {
        "task": "students.tasks.expire_test_events",
        "schedule": timedelta(minutes=15),
    },
    # Issue 9: new appeals to the reviewers of their team by workload; away reviewers' handed back.
    "appeals-assign": {"task": "appeals.tasks.assign_appeals", "schedule": timedelta(minutes=1)},
    # flag appeals past their four business days, once, and tell the team.
    "appeals-mark-overdue": {
        "task": "appeals.tasks.mark_overdue_appeals",
        "schedule": timedelta(minutes=5),
    },
}

# Security headers. With DEBUG off, `manage.py check --deploy` reports nothing.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The product's own page for a refused form (an expired page, cookies blocked), not Django's.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
