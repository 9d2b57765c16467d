"""Settings for the test suite: the real settings with a throwaway key and fast password hashing.

The database is still the one DATABASE_URL names (SQLite by default), so CI runs the same suite on
PostgreSQL by setting it.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("FFW_PLAIN_STATIC", "true")

from config.settings import *  # noqa: E402,F403
from config.settings import STATIC_ROOT, VAR_DIR  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Argon2 is the real hasher; tests that check it ask for it. The rest use a fast one.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
OUTBOX_FILE_DIR = VAR_DIR / "test-outbox"
# Keyed audit hashes in every test, as in production; tests that write checkpoints give their own directory.
AUDIT_HMAC_KEYS = {"test-1": "tests-only-audit-key-not-for-any-deployment"}
AUDIT_HMAC_KEY_ID = "test-1"
AUDIT_CHECKPOINT_DIR = VAR_DIR / f"test-audit-checkpoints-{os.getpid()}"
AXES_FAILURE_LIMIT = 5
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so tests can open several connections at once (concurrent retries, live server).
    # One file per test run, so two runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
else:
    # Still the real PostgreSQL, only without waiting for each commit to reach the disk: the suite's many
    # transactional tests commit thousands of times, and a crash of a test database loses nothing of worth.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
