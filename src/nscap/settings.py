"""Settings, all from environment variables.

DATABASE_URL chooses the database (PostgreSQL in production); without it nscap keeps a SQLite
file in NSCAP_DATA_DIR. DEBUG is off unless DEBUG=1 or the demo turns it on.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "nscap"


DATA_DIR = Path(os.environ.get("NSCAP_DATA_DIR") or default_data_dir())
DEMO = env_flag("NSCAP_DEMO")
DEBUG = env_flag("DEBUG", default=DEMO)


def load_secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = load_secret_key()
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "nscap.core",
    "nscap.sources",
    "nscap.vocabularies",
    "nscap.institutions",
    "nscap.activities",
    "nscap.quantities",
    "nscap.collaboration",
    "nscap.networks",
    "nscap.needs",
    "nscap.brief",
    "nscap.accounts",
    "nscap.contributions",
    "nscap.interchange",
    "nscap.reconciliation",
    "nscap.analytics",
    "nscap.linkage",
    "nscap.search",
    "nscap.operations",
    "nscap.reports",
    "nscap.notifications",
]

MIDDLEWARE = [
    # Outermost: HEAD runs as GET everywhere; every response (static files too) gets the
    # Permissions-Policy, and personal ones Cache-Control: private (nscap.core.middleware).
    "nscap.core.middleware.HeadAsGetMiddleware",
    "nscap.core.middleware.ResponseHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "nscap.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nscap.urls"
WSGI_APPLICATION = "nscap.wsgi.application"

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
                "nscap.accounts.context_processors.roles",
                "nscap.notifications.context_processors.inbox",
            ],
        },
    },
]


# Persistent database connections: each worker thread keeps its connection for CONN_MAX_AGE
# seconds (default 600; 0 opens one per request) and checks it before reuse, so a restarted
# database costs one failed check, not an error. Opening a PostgreSQL connection per request cut
# a bare endpoint from about 870 to 150 requests/s on the benchmark machine.
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "600"))
# Reads through a memory map (up to 1 GiB of the file, shared by every connection through the OS
# page cache): without it each page SQLite's small per-connection cache misses is a read()
# call, and at 1M events the API's event list spent a fifth of its query time in them.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
    "PRAGMA mmap_size=1073741824;",
}


def database_config() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        elif "postgresql" in config["ENGINE"]:
            # No JIT: its planner estimates for the visibility filter's sub-queries cross the
            # JIT threshold, and compiling took 1.5 s of a 2.2 s citation list at 1M events.
            config["OPTIONS"] = {"options": "-c jit=off", **config.get("OPTIONS", {})}
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "nscap.sqlite3",
        "OPTIONS": dict(SQLITE_OPTIONS),
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "CONN_HEALTH_CHECKS": True,
    }


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in. The axes backend comes first: it refuses a locked-out user before any password check.
AUTHENTICATION_BACKENDS = [
    "nscap.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
CSRF_FAILURE_VIEW = "nscap.accounts.views.csrf_failure"

# E-mail of notifications (docs/deployment.md). The demo prints mails on the console; with
# NSCAP_EMAIL_HOST set, they go by SMTP. NSCAP_SITE_URL prefixes the links in mails.
EMAIL_HOST = os.environ.get("NSCAP_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("NSCAP_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("NSCAP_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("NSCAP_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("NSCAP_EMAIL_TLS", "1") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("NSCAP_EMAIL_FROM", "nscap <nscap@localhost>")
NSCAP_SITE_URL = os.environ.get("NSCAP_SITE_URL", "")
SESSION_COOKIE_AGE = 60 * 60 * 12  # a working day; stewards sign in again each day

# Brute-force protection (django-axes): failures are counted in the database, so every worker
# process and host sees the same count. Five failures for one user name from one address lock
# that pair out for 15 minutes (other addresses still sign in); a success resets the count.
AXES_ENABLED = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("NSCAP_SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("NSCAP_SIGN_IN_LOCKOUT_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# The client address the lockout counts by (and the audit log records): REMOTE_ADDR, or behind
# NSCAP_TRUSTED_PROXIES reverse proxies the address the outermost saw, read from X-Forwarded-For
# counted from the right (nscap.accounts.client_address). 0 trusts no forwarded header.
_trusted_proxies = os.environ.get("NSCAP_TRUSTED_PROXIES", "").strip() or "0"
if not _trusted_proxies.isdigit():
    raise ValueError(
        f"NSCAP_TRUSTED_PROXIES={_trusted_proxies!r}: the number of reverse proxies, 0 or more."
    )
NSCAP_TRUSTED_PROXIES = int(_trusted_proxies)
AXES_CLIENT_IP_CALLABLE = "nscap.accounts.client_address.client_ip"

# Two-factor sign-in (TOTP, django-otp) is required of stewards, superusers and institution
# admins. The test suite turns the requirement off by default (NSCAP_TESTING) so that tests of
# other pages can sign a steward in with force_login; the tests of the requirement turn it on.
NSCAP_REQUIRE_TWO_FACTOR = env_flag(
    "NSCAP_REQUIRE_TWO_FACTOR", default=not env_flag("NSCAP_TESTING")
)
OTP_TOTP_ISSUER = "nscap"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not env_flag("NSCAP_TESTING")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve static files straight from the apps when collectstatic has not run (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Files browsers ask for at the site root (/favicon.ico), served by whitenoise as they are.
WHITENOISE_ROOT = BASE_DIR / "core" / "root"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and env_flag("NSCAP_HTTPS", default=True):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("NSCAP_SSL_REDIRECT", default=False)
    SECURE_HSTS_SECONDS = int(os.environ.get("NSCAP_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_flag("NSCAP_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        # Preloading is the operator's long-term commitment, not a default to impose.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NSCAP_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# --- Content-Security-Policy (django-csp; issue 12, #2) -------------------------------------
# No inline script, no inline style, no eval, nothing from other origins: a stored XSS that
# slips past autoescaping still cannot run. Charts draw with vega-embed's expression
# interpreter (no eval) and link their stylesheets; htmx's indicator styles are in nscap.css;
# /api/docs (ninja's Swagger UI) loads its own static scripts. tests/browser/test_csp.py opens
# each kind of page in Chromium and fails on any CSP violation.
from csp.constants import NONE, SELF  # noqa: E402

MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # PNG exports and Swagger UI's icons are data: images
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# --- end of Content-Security-Policy ---------------------------------------------------------
