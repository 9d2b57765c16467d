"""Settings for Fit for Work, read from the environment with secure defaults.

Every setting a deployment may change is an environment variable; nothing secret is committed.
`DEBUG` is off unless `DEBUG=true`; with it off, cookies are secure, HTTPS is enforced and a real
`SECRET_KEY` must be given. See docs/configuration.md for the full list.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FFW_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# With DEBUG on, the service still shows its own 404 and 500 pages (fitforwork/core/middleware.py) unless this is on.
SHOW_DEBUG_ERROR_PAGES = env_bool("SHOW_DEBUG_ERROR_PAGES")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY: it is required when DEBUG is off.")
    # A local development key, made once and kept out of the repository.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SERVICE_NAME = os.environ.get("SERVICE_NAME", "Fit for Work")
# The service's own address, such as https://fitforwork.example.nhs.uk, for links in staff emails.
SERVICE_URL = os.environ.get("SERVICE_URL", "")
SITE_NAME = os.environ.get("SITE_NAME", "Fit for Work demonstration service")
# How the public reach the service: the contact page, the privacy notice, the self-referral's confirmation and emails.
SERVICE_CONTACT = {
    "phone": os.environ.get("SERVICE_CONTACT_PHONE", "0300 123 4567"),
    "email": os.environ.get("SERVICE_CONTACT_EMAIL", "fitforwork@example.nhs.uk"),
    "hours": os.environ.get("SERVICE_CONTACT_HOURS", "Monday to Friday, 9am to 5pm, except bank holidays"),
}
# Band cut-offs a service may set locally (docs/instruments.md): ÖMPSQ-10's higher-risk band starts at 50 by
# default (Linton 2011); one paper uses over 50, so FFW_OMPSQ10_CUTOFF=51 moves it.
ASSESSMENT_CUTOFFS = {"ompsq10_higher": int(os.environ.get("FFW_OMPSQ10_CUTOFF", "50"))}
# Where someone who lives outside every site's area can look for a service near them.
FIND_A_SERVICE_URL = os.environ.get("FIND_A_SERVICE_URL", "https://www.nhs.uk/service-search/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    # The next three under plain names for the Django admin (fitforwork/administration/third_party.py).
    "fitforwork.administration.third_party.AuthenticatorAppsConfig",
    "fitforwork.administration.third_party.SignInLockoutsConfig",
    "csp",
    "django_tasks",
    "fitforwork.administration.third_party.BackgroundJobsConfig",
    "fitforwork.core",
    "fitforwork.core.audit",
    "fitforwork.core.outbox",
    "fitforwork.organisations",
    "fitforwork.accounts",
    "fitforwork.people",
    "fitforwork.consent",
    "fitforwork.referrals",
    "fitforwork.cases",
    "fitforwork.interventions",
    "fitforwork.assessments",
    "fitforwork.plans",
    "fitforwork.employers",
    "fitforwork.outcomes",
    "fitforwork.evaluation",
    "fitforwork.api",
    "fitforwork.demo",
    "fitforwork.administration",
    "fitforwork.dataprotection",
    "fitforwork.advice_line",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fitforwork.core.middleware.NulGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "fitforwork.core.middleware.ServiceErrorPagesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "fitforwork.accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fitforwork.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "config" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "fitforwork.accounts.context_processors.navigation",
                "fitforwork.cases.web.search.header_search",
            ],
        },
    },
    {
        # Django admin and other third-party pages use Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: embedded SQLite by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fitforwork.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while one writer writes; IMMEDIATE takes the write lock at the
        # start of a transaction, so two writers queue instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:signed-out"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout: 5 failed sign-ins for one email address from one network address lock that pair for 30
# minutes; 20 for one email address from any addresses lock the account, so guessing cannot simply move
# between addresses, while one person's typos behind a shared NHS network address lock nobody else out.
# An administrator can unlock either sooner.
# "Forgotten your password?": how long a link works, and how many emails one address may be sent an hour.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", "3600"))
PASSWORD_RESET_EMAILS_PER_HOUR = int(os.environ.get("PASSWORD_RESET_EMAILS_PER_HOUR", "3"))
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
ACCOUNT_LOCKOUT_LIMIT = int(os.environ.get("ACCOUNT_LOCKOUT_LIMIT", "20"))
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fitforwork.accounts.views.locked_out"
# Where the client's address is: REMOTE_ADDR, or behind a load balancer the header it sets (and overwrites,
# so a client cannot forge it), for example HTTP_X_REAL_IP. Lockouts and the audit trail both use it.
CLIENT_IP_META = os.environ.get("CLIENT_IP_META", "REMOTE_ADDR")
AXES_IPWARE_META_PRECEDENCE_ORDER = [CLIENT_IP_META, "REMOTE_ADDR"]
# Public forms: how many self-referrals one client address may send an hour without signing in, and the
# largest body (bytes) a public form page takes; Django refuses any request body past DATA_UPLOAD_MAX_MEMORY_SIZE.
SELF_REFERRAL_LIMIT_PER_HOUR = int(os.environ.get("SELF_REFERRAL_LIMIT_PER_HOUR", "10"))
PUBLIC_FORM_MAX_BYTES = int(os.environ.get("PUBLIC_FORM_MAX_BYTES", "65536"))
# How many days a questionnaire link sent to a client works (docs/adr/0024-questionnaire-links.md).
FFW_QUESTIONNAIRE_LINK_DAYS = int(os.environ.get("FFW_QUESTIONNAIRE_LINK_DAYS", "14"))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))

# Two-factor authentication is required for every staff role. Only a demonstration may switch it
# off, and the setting says so; a system check refuses it when DEBUG is off.
DEMO_ONLY_DISABLE_TWO_FACTOR = env_bool("DEMO_ONLY_DISABLE_TWO_FACTOR")
if DEMO_ONLY_DISABLE_TWO_FACTOR and not DEBUG:
    raise ImproperlyConfigured(
        "DEMO_ONLY_DISABLE_TWO_FACTOR is for a local demonstration only: it cannot be on with DEBUG off."
    )
OTP_TOTP_ISSUER = SERVICE_NAME

# Sessions: 30 minutes idle, 12 hours at most.
SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "30")))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Transport security: on unless DEBUG (or explicitly turned off behind a TLS-terminating proxy).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# nhs.uk and gov.uk domains are on the browsers' HSTS preload list already.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("FFW_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

# Background tasks: stored in the database and run by `fitforwork db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Messages: GOV.UK Notify when a key is set, otherwise files under var/outbox.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
OUTBOX_FILE_DIR = Path(os.environ.get("OUTBOX_FILE_DIR", VAR_DIR / "outbox"))
# Our message names mapped to GOV.UK Notify template ids, as JSON: {"referral_received_referrer": "<uuid>", ...}.
NOTIFY_TEMPLATES: dict[str, str] = json.loads(os.environ.get("NOTIFY_TEMPLATES", "{}"))

# Retention: how many years each kind of record is kept after the point its rule starts from, as JSON to
# override, such as {"case": 8}. The defaults follow the NHS England Records Management Code of Practice 2021,
# Appendix II (adult health records: 8 years after the conclusion of treatment). `fitforwork retention` applies them.
RETENTION_YEARS: dict[str, int] = {
    "case": 8,
    "declined_referral": 8,
    **json.loads(os.environ.get("RETENTION_YEARS", "{}")),
}


# The audit trail (docs/adr/0020-anchored-audit-chain.md). Each event's hash is keyed (HMAC-SHA256) with a secret
# the database does not hold: AUDIT_HMAC_KEYS is JSON, {"<key id>": "<secret>", ...}, keeping every key ever used
# so old events still verify; AUDIT_HMAC_KEY_ID names the one new events and checkpoints use. With neither set,
# events are hashed by the old, unkeyed rule and `check --deploy` says so. Checkpoints of the chain's head are
# written as files, one per checkpoint, to AUDIT_CHECKPOINT_DIR, somewhere the database's users cannot rewrite.
def _audit_hmac_keys() -> tuple[dict[str, str], str]:
    keys: dict[str, str] = json.loads(os.environ.get("AUDIT_HMAC_KEYS", "{}"))
    key_id = os.environ.get("AUDIT_HMAC_KEY_ID", "")
    if keys or key_id or not DEBUG:
        return keys, key_id
    # On a developer's machine, a local key made once and kept out of the repository, as for SECRET_KEY.
    path = VAR_DIR / "audit_hmac_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
    return {"local": path.read_text().strip()}, "local"


AUDIT_HMAC_KEYS, AUDIT_HMAC_KEY_ID = _audit_hmac_keys()
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit-checkpoints"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # fontTools (under fpdf2, for the PDFs) reports each font subset at INFO: a page of lines per letter.
    "loggers": {"axes": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
