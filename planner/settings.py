"""Settings for Connector Planner, read from environment variables.

Every variable is listed, with its default, in `.env.example`. The helpers below
refuse nonsense with ImproperlyConfigured, so a typo stops the server at start-up
instead of quietly changing behaviour.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_str(name, default=""):
    """Return the variable `name` stripped, or `default` when unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name, default=False):
    """Return the variable `name` as a bool; accept 1/0, true/false, yes/no, on/off."""
    value = env_str(name).lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a boolean; use one of "
        f"{', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}."
    )


def env_int(name, default, *, minimum=0):
    """Return the variable `name` as an int no smaller than `minimum`."""
    value = env_str(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_float(name, default):
    """Return the variable `name` as a positive number of seconds."""
    value = env_str(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if not number > 0:
        raise ImproperlyConfigured(f"{name}={number} must be more than 0.")
    return number


def env_list(name, default=""):
    """Return the comma-separated variable `name` as a list, dropping empty items."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_url(name, default=""):
    """Return the variable `name` as an http(s) URL without a trailing slash."""
    value = env_str(name, default).rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{name}={value!r} must start with http:// or https://.")
    return value


RATE_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def env_rate(name, default):
    """Return the variable `name`, written like "20/hour", as (requests, period in seconds).

    "off" turns the limit off and returns None.
    """
    value = env_str(name, default).lower()
    if value == "off":
        return None
    count, _, period = value.partition("/")
    if not count.strip().isdigit() or period.strip() not in RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate; write it like 20/hour "
            f"(per {', '.join(RATE_PERIODS)}), or off."
        )
    return int(count), RATE_PERIODS[period.strip()]


SECRET_KEY_MIN_LENGTH = 50  # Django's own deployment check (security.W009) asks for this much


def secret_key(*, debug, value):
    """Return the secret key to use; refuse to run without a long one unless debugging."""
    if value and (debug or len(value) >= SECRET_KEY_MIN_LENGTH):
        return value
    if value:
        raise ImproperlyConfigured(
            f"SECRET_KEY is shorter than {SECRET_KEY_MIN_LENGTH} characters. Set it to a long "
            "random string (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    if debug:
        return "django-insecure-dev-only-key-never-use-in-production"
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it to a long random string (for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
        "or set DEBUG=true for local development."
    )


def database(*, url, sqlite_path, conn_max_age):
    """Return the default DATABASES entry: the given URL, else a SQLite file."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": sqlite_path,
            # Keep each thread's connection: opening one (and its PRAGMAs) cost more than the
            # whole query of a plan page (issue 7, py-spy under gunicorn).
            "CONN_MAX_AGE": conn_max_age,
            "OPTIONS": {
                # WAL lets readers carry on while one worker writes; IMMEDIATE takes the write
                # lock when a transaction starts, so two workers never deadlock upgrading a
                # read lock, and the timeout makes a busy database wait instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    try:
        return dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {error}") from None


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(debug=DEBUG, value=env_str("SECRET_KEY"))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Absolute share links use this base when set (e.g. behind a proxy that rewrites
# Host); empty means build them from the request's own host.
PLANNER_PUBLIC_BASE_URL = env_url("PLANNER_PUBLIC_BASE_URL")

# `make bench` only: adds /__bench/hello, the baseline every page is measured against.
BENCH_HELLO = env_bool("BENCH_HELLO", False)

# PDF rendering is CPU- and memory-heavy; at most this many renders run at once per process.
PDF_MAX_CONCURRENCY = env_int("PDF_MAX_CONCURRENCY", 2, minimum=1)
# A render still running after this many seconds is stopped, and the visitor gets a 503.
PDF_RENDER_TIMEOUT = env_float("PDF_RENDER_TIMEOUT", 20.0)

# Each saved revision's PDFs are rendered in the background (planner/pdfs.py) by
# `manage.py db_worker`, which takes tasks from a table in the same database; with PostgreSQL
# any number of workers on any number of machines share it. Django 6 ships the same API as
# django.tasks: moving up drops "django_tasks" below and imports `task` from django.tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "formtools",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "planner",
    "planner_ops",
    "wizard",
]

# The wizard's forms are laid out with crispy-forms' FormHelper; Bootstrap 5 is served from static/.
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Probes are answered before host validation and sessions: a load balancer asks by IP.
    "planner_ops.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "planner_ops.middleware.PrivatePageMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The edit page's one-time banners ("Plan saved", "New share link made") travel in the
    # session, never in the URL: a copied or bookmarked address shows no stale banner.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Views that show a plan or the answers behind one, by URL namespace or name: never cached or
# indexed, and their URLs kept out of Referer headers (planner_ops.middleware).
PRIVATE_URL_NAMESPACES = ["planner", "wizard"]
PRIVATE_URL_NAMES = ["api:plan"]

ROOT_URLCONF = "planner.urls"
WSGI_APPLICATION = "planner.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": database(
        url=env_str("DATABASE_URL"),
        sqlite_path=env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The wizard keeps its answers in the session: Django's database store (the default).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Banners hold no token, so the session store is fine for them (no extra cookie).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS=true says the site is served over HTTPS (directly or behind a proxy that
# sets X-Forwarded-Proto). Only then do cookies become Secure and plain HTTP get
# redirected; DEBUG switches both off so local development over http keeps working.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS and not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS and not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS and not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS and not DEBUG else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Probes come over plain HTTP from inside the network (Docker, load balancers).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a promise about the whole domain that only its owner can make;
    # SECURE_HSTS_PRELOAD=true opts in.
    "security.W021",
]

# Everything the pages load comes from this site; no inline script, no third-party origin.
# data: images are Bootstrap's inline SVG icons (select arrows, check marks) in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# The API refuses bodies over 256 KiB itself (413); form posts are held to the same size, so
# an export pasted into the import form can be 256 KiB (the form's hint says so).
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# Uploaded export files don't count above: planner.forms.ImportUploadHandler keeps each one in
# memory up to planner.engine.audit.MAX_FILE_BYTES (2 MB) and skips bigger ones. The import
# form takes two files, and nothing else uploads any.
DATA_UPLOAD_MAX_NUMBER_FILES = 2

# Abuse limits per client address, counted in the database so every worker shares them
# (planner_ops.ratelimit, applied per view with @rate_limit).
RATE_LIMIT_CREATE = env_rate("RATE_LIMIT_CREATE", "20/hour")
RATE_LIMIT_LOOKUP = env_rate("RATE_LIMIT_LOOKUP", "300/minute")
# Reverse proxies in front of the app that append to X-Forwarded-For; 0 trusts none and
# uses the connecting address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Plan links are capabilities, so the token part of their paths is masked in every log
# line: on the console handler, and on the loggers that name paths (so any handler
# attached to them, including test capture, sees the masked text).
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
_MASKED = {"level": LOG_LEVEL, "filters": ["mask_tokens"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_tokens": {"()": "planner_ops.logging.MaskTokensFilter"}},
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's defaults, whose handlers would print unmasked paths.
        "django": {**_MASKED, "handlers": ["console"], "propagate": False},
        "django.server": {**_MASKED, "handlers": ["console"], "propagate": False},
        "django.request": _MASKED,
        "django.security.csrf": _MASKED,
        # WeasyPrint reports each rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
