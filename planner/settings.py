"""Settings for Connector Planner, read from environment variables.

Every variable is listed, with its default, in `.env.example`. The helpers below
refuse nonsense with ImproperlyConfigured, so a typo stops the server at start-up
instead of quietly changing behaviour.
"""

import os
from pathlib import Path

import dj_database_url
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


def env_list(name, default=""):
    """Return the comma-separated variable `name` as a list, dropping empty items."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_url(name, default=""):
    """Return the variable `name` as an http(s) URL without a trailing slash."""
    value = env_str(name, default).rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{name}={value!r} must start with http:// or https://.")
    return value


def secret_key(*, debug, value):
    """Return the secret key to use; refuse to run without one unless debugging."""
    if value:
        return value
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
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": sqlite_path}
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

# PDF rendering is CPU- and memory-heavy; at most this many renders run at once per process.
PDF_MAX_CONCURRENCY = env_int("PDF_MAX_CONCURRENCY", 2, minimum=1)

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "formtools",
    "crispy_forms",
    "crispy_bootstrap5",
    "planner",
    "wizard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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

# The wizard keeps its answers in the session, so sessions live in the database.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# HTTPS=true says the site is served over HTTPS (directly or behind a proxy that
# sets X-Forwarded-Proto). Only then do cookies become Secure and plain HTTP get
# redirected; DEBUG switches both off so local development over http keeps working.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS and not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS and not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS and not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
}
