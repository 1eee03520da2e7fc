"""IntercoTOUR settings, read from the environment (see .env.example)."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on: a production
# deployment that forgot SECRET_KEY must not start with a public key.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django_otp",
    "intercotour.third_party.TwoFactorConfig",  # django_otp.plugins.otp_totp, named in French
    "events",
    "speakers",
    "registrations",
    "demo",
    "opendata",
    "ninja",  # serves the API docs page's Swagger UI from static files, not a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "events.middleware.LanguageMiddleware",
    "intercotour.null_characters.RejectNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "intercotour.two_factor.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "intercotour.content_security.CSPMiddleware",  # django-csp's, its policy built once
    "intercotour.permissions_policy.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "intercotour.urls"
CSRF_FAILURE_VIEW = "intercotour.errors.csrf_failure"

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
            ],
        },
    },
]

WSGI_APPLICATION = "intercotour.wsgi.application"

# Database: a SQLite file in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # BEGIN IMMEDIATE takes the write lock up front: concurrent writers
            # queue (busy timeout) instead of failing half-way through a transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests use a file so that threads in concurrency tests share the database; one per test
    # run (its process id), so that two runs at once, or a script's, never share one.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        Path(tempfile.gettempdir()) / f"intercotour-test-{os.getpid()}.sqlite3"
    )
else:
    # Persistent connections: opening a PostgreSQL connection per request costs
    # several times the rendering of a small page.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's, but the health check skips a connection used less than a second ago.
        DATABASES["default"]["ENGINE"] = "intercotour.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://intercotour")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's backend, reusing its Redis client objects (intercotour.cache says why).
    CACHES["default"]["BACKEND"] = "intercotour.cache.RedisCache"
    # A cache that does not answer must cost little: pages are then rendered without it
    # (events.page_cache) and the rate limit fails open, instead of requests hanging.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
        socket_timeout=env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
    )

AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt for a locked username + address before checking it.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one client address, that pair is locked for AXES_COOLOFF_TIME, even with the
# right password; each new attempt during the lock starts the wait again. Other addresses, and
# other usernames from the same address, are not affected.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "intercotour.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "intercotour.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Failed attempts are what is needed; a log of every successful login is not kept.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Lockouts are lifted with `manage.py axes_reset` (or they expire): axes' own admin pages
# carry a bulk action that declares no permission, so they stay off.
AXES_ENABLE_ADMIN = False

# Two-factor authentication for staff (django-otp TOTP, intercotour/two_factor.py): required
# for every staff account when DEBUG is off; off in DEBUG, so the demo admin of `make run`
# signs in with a password only.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "IntercoTOUR"
# The admin never shows a device's secret key (nor its QR code): only its owner sees it, once,
# on the enrolment page.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="IntercoTOUR <intercotour@interconnectes.com>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Transport security and cookies (see .env.example for the production values). HTTPS
# settings follow DEBUG: production runs behind TLS, `make run` on plain http://127.0.0.1:8000.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Plain http inside the deployment: the health check of the container or the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# HSTS is remembered by browsers for its whole duration: switch it on once HTTPS works.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The __Host- prefix makes browsers refuse the cookie unless it is Secure, for the whole site
# (Path=/) and without Domain, so a sibling subdomain cannot plant or overwrite it. Plain names
# when the cookie is not Secure (DEBUG over http), since browsers would drop a prefixed one.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4) on every page, the admin's included: scripts, styles,
# images and fonts from the site itself only; no inline script, style or event handler (the
# templates link static files instead), no framing, forms posting to the site only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Reverse proxies in front of the application whose headers are trusted: 0 when clients reach
# gunicorn directly, 1 behind the compose file's Caddy. Each trusted proxy appends the address
# it received the request from to X-Forwarded-For (intercotour/client_ip.py reads it) and says
# in X-Forwarded-Proto whether that request came over HTTPS. Never above 0 when gunicorn can
# be reached without going through the proxies: clients could then forge those headers.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint (attendance certificates) logs every rendering step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ["weasyprint", "fontTools"]},
}

FORMAT_MODULE_PATH = ["intercotour.formats"]

# The running release, part of the cached pages' keys (see intercotour/release.py); empty:
# derived from the static files manifest.
RELEASE_ID = env.str("RELEASE_ID", default="")

# Absolute address of the site, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# How long an organiser's invitation to the speakers' area works (once); a speaker's own
# request for a link keeps 15 minutes.
SPEAKER_INVITATION_DAYS = env.int("SPEAKER_INVITATION_DAYS", default=14)

# Registration submissions allowed per client address, e.g. "30/m"; empty turns it off. A whole
# town hall may register from one public address: keep it generous.
REGISTRATION_RATE_LIMIT = env.str("REGISTRATION_RATE_LIMIT", default="30/m")
# Tasks: background work (e-mails, reminders, the purge) runs from a database queue
# (django-tasks, the backport of Django 6's django.tasks, with django-tasks-db's backend).
# A task enqueued inside a service's transaction is a row committed with the change or not
# at all; `manage.py db_worker` runs them, `manage.py run_scheduler` enqueues the scheduled
# ones. See background/ and the README.
# django_tasks_db, named in French in the admin (intercotour/third_party.py).
INSTALLED_APPS += ["django_tasks", "intercotour.third_party.TaskQueueConfig", "background"]
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="background.backends.DatabaseBackend")}
}
# Each task in the organisers' words, for the task queue's admin pages (by dotted path; a
# test checks that every task of the code is named here).
TASK_LABELS = {
    "background.outbox.deliver": _("Send an e-mail"),
    "background.outbox.requeue_stalled": _("Sweep: e-mails whose sending stopped"),
    "background.sweeps.requeue_lost_tasks": _("Sweep: tasks whose worker stopped"),
    "registrations.services.messaging.send_message": _("Message to registrants"),
    "registrations.services.certificates.build_certificate_archive": _(
        "Archive of attendance certificates (ZIP)"
    ),
    "registrations.sign_in.send_sign_in_link_task": _("Sign-in link to “My tour”"),
    "registrations.tasks.purge_old_registrations": _("Deletion of old registrations"),
    "registrations.tasks.send_reminders": _("Reminders before the day"),
    "registrations.tasks.send_certificates": _("Attendance certificates after the day"),
    "registrations.tasks.send_surveys": _("Surveys after the day"),
    "registrations.tasks.send_fresh_links": _("“Send me my link” request"),
    "speakers.services.send_sign_in_link_task": _("Sign-in link to the speakers' area"),
}
# What /readyz/ asks (intercotour/readiness.py): each service's check, by dotted path.
READINESS_CHECKS = [
    ("database", "intercotour.readiness.database_answers"),
    ("cache", "intercotour.readiness.cache_answers"),
    ("queue", "background.health.queue_answers"),
]
# Seconds before a silent mail server is given up on (the attempt is retried later).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Attempts per e-mail before it is shown as failed; waits between them grow (1, 2, 4, 8, 16
# min, then 30): 52 attempts span about a day, so an e-mail outlives a mail server's outage.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=52)
# A task still running after this many seconds lost its worker (killed, machine gone): the
# sweep runs it again, at most TASK_MAX_RUNS times in all. E-mails are swept after 5 minutes.
TASK_LOST_AFTER = env.int("TASK_LOST_AFTER", default=30 * 60)
TASK_MAX_RUNS = env.int("TASK_MAX_RUNS", default=3)
# Cron-like schedule: (name, crontab "minute hour day month day_of_week", task path).
SCHEDULED_TASKS = [
    ("purge", "15 3 * * *", "registrations.tasks.purge_old_registrations"),
    ("reminders", "0 9 * * *", "registrations.tasks.send_reminders"),
    ("certificates", "30 9 * * *", "registrations.tasks.send_certificates"),
    ("surveys", "45 9 * * *", "registrations.tasks.send_surveys"),
    ("outbox-sweep", "*/10 * * * *", "background.outbox.requeue_stalled"),
    ("task-sweep", "5-55/10 * * * *", "background.sweeps.requeue_lost_tasks"),
]
