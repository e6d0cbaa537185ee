"""ALIGNS settings: one file for local runs, tests and production.

Everything that differs between them comes from environment variables (listed in
docs/development.md). The defaults are safe for a local run: SQLite under var/ and a Celery
broker that needs no server. Production sets DJANGO_DEBUG=false, which makes a real
DJANGO_SECRET_KEY compulsory and turns on HTTPS-only cookies and headers.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from aligns.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ALIGNS_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "staticfiles").mkdir(exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", None)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for a local run).")
    SECRET_KEY = "local-development-only-never-use-this-key-in-production"  # noqa: S105 # nosec B105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Lowest layer first: each imports only from those above it in this list (docs/adr/0009).
    "aligns.accounts",
    "aligns.audit",
    "aligns.catalogues",
    "aligns.outbox",
    "clients",
    "volunteers",
    "visits",
    "referrals",
    "reports",
    "records",
    # The admin, as django-otp's OTPAdminSite (a verified security code for staff).
    "aligns.accounts.admin_apps.AlignsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aligns.accounts.middleware.PreferredLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "aligns.accounts.middleware.AbsoluteSessionLifetimeMiddleware",
    "aligns.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "aligns.accounts.middleware.NoStoreWhenSignedInMiddleware",
    # Inside the one above, so the page it makes of a blank 405 is not kept by the browser.
    "aligns.accounts.middleware.MethodNotAllowedPageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the "try again at" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aligns.urls"
WSGI_APPLICATION = "aligns.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["aligns.dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aligns.context_processors.service",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# PostgreSQL in production (DATABASE_URL=postgres://...); SQLite under var/ by default.


def _database(url):
    database = dj_database_url.parse(
        url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0)
    )
    if database["ENGINE"].endswith("postgresql"):
        # PostgreSQL's JIT compiler spends seconds optimising the reports' aggregate queries
        # (their subqueries inflate cost estimates) and gains nothing on queries this short:
        # measured 32 s -> 20 s for a national year's quarterly report.
        database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return database


DATABASES = {
    "default": _database(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'aligns.sqlite3'}"))
}
# Reports and exports may read from a PostgreSQL replica (aligns/routers.py); tests mirror
# it to the default database.
if env_str("DATABASE_REPORTS_URL", ""):
    DATABASES["reports"] = {
        **_database(env_str("DATABASE_REPORTS_URL")),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["aligns.routers.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sessions ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out email address and IP address before any password check.
    # The standalone backend grants no permissions (SignInBackend decides those).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "aligns.accounts.backends.SignInBackend",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout: the session cookie expires this long after the last request.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("ALIGNS_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
# Absolute lifetime: however active, a sign-in lasts at most this long.
SESSION_ABSOLUTE_LIFETIME_HOURS = env_int("ALIGNS_SESSION_ABSOLUTE_HOURS", 12, minimum=1)
PASSWORD_RESET_TIMEOUT = env_int("ALIGNS_PASSWORD_RESET_MINUTES", 60, minimum=5) * 60
# Managing the team (aligns/accounts/tokens.py): how long the emailed link to set a first
# password works, and how long a request for an account waits for its email address to be
# confirmed before the link stops working and the request is deleted.
ALIGNS_INVITE_DAYS = env_int("ALIGNS_INVITE_DAYS", 7, minimum=1, maximum=30)
ALIGNS_ACCOUNT_REQUEST_VERIFY_HOURS = env_int(
    "ALIGNS_ACCOUNT_REQUEST_VERIFY_HOURS", 24, minimum=1, maximum=24 * 7
)
# A declined request (a name, an email address, a reason) is kept this long, to answer a
# question about it, then deleted with its history.
ALIGNS_DECLINED_REQUEST_DAYS = env_int("ALIGNS_DECLINED_REQUEST_DAYS", 365, minimum=1)

# --- Two-factor sign-in and lockout -------------------------------------------------------
# Coordinators, managers and admin staff must sign in with a code from an authenticator app
# (or a backup code); everyone else may choose to (aligns/accounts/two_factor.py). Tests and
# the local demo turn the requirement off; people who set up an app are asked either way.
ALIGNS_REQUIRE_TWO_FACTOR = env_bool("ALIGNS_REQUIRE_TWO_FACTOR", True)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows an app's secret key
# django-axes: failed sign-ins (wrong passwords and wrong codes) are counted per email address
# and IP address together; this many within the cool-off pause that pair for the cool-off.
# Every failure is kept in AccessFailureLog and every sign-in in AccessLog, never a password.
AXES_FAILURE_LIMIT = env_int("ALIGNS_SIGN_IN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ALIGNS_SIGN_IN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's name for the email address
AXES_USERNAME_CALLABLE = "aligns.accounts.lockout.username_for_lockout"
AXES_CLIENT_IP_CALLABLE = "aligns.accounts.lockout.client_ip_address"
AXES_LOCKOUT_CALLABLE = "aligns.accounts.lockout.locked_out_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code", "csrfmiddlewaretoken"]
# How long those records are kept: a year answers "who signed in, and who tried to", for
# audits and incidents, without keeping people's addresses for ever.
ALIGNS_SIGN_IN_RECORDS_DAYS = env_int("ALIGNS_SIGN_IN_RECORDS_DAYS", 365, minimum=30)

# --- HTTPS and security headers -----------------------------------------------------------
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
# Preloading binds the whole registrable domain (often the charity's main website,
# with ALIGNS on a subdomain) and is hard to undo, so it is the scheme's choice to
# opt in with DJANGO_HSTS_PRELOAD=true, not a default; hence this check is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): scripts only from our own files, each tag carrying the
# request's nonce (templates: nonce="{{ CSP_NONCE }}"), never inline script or eval; styles,
# images, fonts and requests only from ourselves; no plugins, no framing, forms post only
# here. A page breaking this is caught by the browser tests (tests/browser/conftest.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        # The volunteer's offline worker (visits.views.offline_worker); said outright rather
        # than left to fall back on script-src.
        "worker-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Browser features no page of ALIGNS uses are turned off (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# --- Language and time --------------------------------------------------------------------
# English or Welsh (Cymraeg): each person chooses on their account page; someone not signed
# in, by the switch on the public pages (a cookie) or their browser's language.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
# NHS.UK frontend comes from npm (node_modules/); our stylesheet is compiled from
# static/scss/ into var/static-build/ by `make` (see Makefile: css).
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    VAR_DIR / "static-build",
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Forms --------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_FAIL_SILENTLY = not DEBUG

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# Seconds to wait on the mail server: one that never answers must not hold a worker for ever
# (the email is tried again later; see aligns/outbox/services.py).
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "ALIGNS <no-reply@localhost>")

# --- Celery -------------------------------------------------------------------------------
# Locally the broker is kombu's filesystem transport: a folder, no server. Production and
# CI point CELERY_BROKER_URL at Redis. Due work, emails included (aligns/outbox), is stored as
# database rows, so the broker only carries "look now" nudges and losing one loses nothing.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "processed", "control", "results"):
        (CELERY_QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Requests nudge the worker (aligns/queueing.py): a broker that does not answer must
        # cost them seconds, not the minutes the operating system waits by default.
        "socket_connect_timeout": 2,
        # A task a worker took but never acknowledged (the worker died) is handed out again
        # after this long. Above the longest a task may run (CELERY_TASK_TIME_LIMIT), so a
        # task still running is never handed to a second worker as well.
        "visibility_timeout": 60 * 60,
    }
_default_result_backend = (
    CELERY_BROKER_URL
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    else f"file://{CELERY_QUEUE_DIR / 'results'}"
)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", _default_result_backend)
CELERY_RESULT_EXPIRES = 3600
# Acknowledge a task when it has finished, and put it back when its worker dies, so work is
# never lost with a worker. Safe because every task is idempotent: the sweeps and the outbox's
# dispatch claim rows and mark them as done, a report export skips a finished file, and the
# nightly deletions delete what is still there.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One task at a time per worker process: a killed worker takes no waiting tasks with it.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task may run longer than this (below the visibility timeout above). The longest is a
# national report export; the sweeps and the dispatch finish in seconds to a minute.
CELERY_TASK_TIME_LIMIT = 50 * 60
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# The queue tasks go to and workers read: a second deployment sharing one Redis uses another.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic sweeps; later features add theirs here, in one place.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "aligns.accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    "delete-old-sign-in-records": {
        "task": "aligns.accounts.tasks.delete_old_sign_in_records",
        "schedule": crontab(hour=3, minute=29),
    },
    "delete-old-form-submissions": {
        "task": "aligns.accounts.tasks.delete_old_form_submissions",
        "schedule": crontab(hour=3, minute=35),
    },
    # The outbox: send the messages that are due (aligns/outbox/services.py).
    "dispatch-messages": {
        "task": "aligns.outbox.tasks.dispatch_task",
        "schedule": timedelta(minutes=1),
    },
    "delete-old-messages": {
        "task": "aligns.outbox.tasks.delete_old_messages_task",
        "schedule": crontab(hour=3, minute=47),
    },
    "support-sweeps": {
        "task": "visits.tasks.run_sweeps_task",
        "schedule": timedelta(minutes=env_int("ALIGNS_SWEEP_MINUTES", 5, minimum=1)),
    },
    "anonymise-past-retention": {
        "task": "records.tasks.anonymise_past_retention_task",
        "schedule": crontab(day_of_month=1, hour=2, minute=23),
    },
    "delete-expired-report-files": {
        "task": "reports.tasks.delete_expired_exports_task",
        "schedule": crontab(hour=3, minute=41),
    },
    "volunteer-expiry-reminders": {
        "task": "volunteers.tasks.send_expiry_reminders_task",
        "schedule": crontab(hour=7, minute=30),
    },
    # Requests for an account whose email address was never confirmed.
    "delete-unconfirmed-account-requests": {
        "task": "aligns.accounts.tasks.delete_unconfirmed_account_requests_task",
        "schedule": crontab(minute=11),
    },
}

# --- Reports ------------------------------------------------------------------------------
# A report counting more calls and visits than this is made by the worker, with progress
# shown, rather than while the browser waits.
REPORTS_DIRECT_EXPORT_MAX_CONTACTS = env_int("ALIGNS_REPORT_DIRECT_MAX_CONTACTS", 50_000, minimum=0)

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "without_query_strings": {"()": "aligns.log_filters.WithoutQueryStrings"},
        "refusals_in_one_line": {"()": "aligns.log_filters.RefusalsInOneLine"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["without_query_strings", "refusals_in_one_line"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("ALIGNS_LOG_LEVEL", "INFO")},
    # Replace Django's own console handler so each line is logged once.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint narrates every step of every PDF at INFO, and warns at every PDF when
        # the optional HarfBuzz subsetting library is missing (fontTools does the same job).
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Cache -------------------------------------------------------------------------------
# Rate limits count in the cache (aligns/ratelimit.py). Several web processes must share it:
# in production point DJANGO_CACHE_URL at Redis (redis://host:6379/1). Locally, this process's
# memory is enough.
CACHE_URL = env_str("DJANGO_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# How many NHS numbers one person may check as they type, per 10 minutes (the form still
# checks on sending).
ALIGNS_NHS_NUMBER_CHECKS = env_int("ALIGNS_NHS_NUMBER_CHECKS", 30, minimum=1)
# How long a form's one-time token is remembered (aligns/submissions.py): a post repeated
# within this many days does nothing twice (a phone may resend one logged without signal).
ALIGNS_FORM_TOKEN_DAYS = env_int("ALIGNS_FORM_TOKEN_DAYS", 30, minimum=1)
# How long the outbox keeps a message once it is sent, not needed or failed (its row holds ids
# only; the scheme's page of messages shows the last day).
ALIGNS_MESSAGES_DAYS = env_int("ALIGNS_MESSAGES_DAYS", 30, minimum=1)
# How long a worker holds the messages it has claimed (aligns/outbox/services.py): longer than
# sending a batch can take, so a live worker never loses its claim, and the wait before a dead
# worker's messages are taken again.
ALIGNS_OUTBOX_LEASE_SECONDS = env_int("ALIGNS_OUTBOX_LEASE_SECONDS", 600, minimum=1)
# How many emails the public pages (a password reset, asking for an account) may send to one
# address, and be asked for from one IP address, per hour. Beyond that the page answers the
# same and sends nothing.
ALIGNS_EMAILS_PER_ADDRESS = env_int("ALIGNS_EMAILS_PER_ADDRESS", 3, minimum=1)
ALIGNS_EMAILS_PER_IP = env_int("ALIGNS_EMAILS_PER_IP", 20, minimum=1)

# --- The service --------------------------------------------------------------------------
ALIGNS_SERVICE_NAME = env_str("ALIGNS_SERVICE_NAME", "ALIGNS")
