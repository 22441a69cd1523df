"""Settings from environment variables, with a test configuration."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

DEFAULT_SECRET_KEYS = {"", "dev", "change-me", "secret", "changeme", "development"}
MIN_SECRET_KEY_LENGTH = 32


def normalise_database_url(url: str) -> str:
    """Make plain PostgreSQL URLs use psycopg 3, the driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_base_url(environ) -> str:
    """The address the portal was started on (`make run HOST=... PORT=...`)."""
    host = environ.get("HOST") or "127.0.0.1"
    port = environ.get("PORT") or "5000"
    return f"http://{host}:{port}"


def default_mail_backend(environ) -> str:
    """MAIL_BACKEND when set; otherwise files in development and SMTP everywhere else."""
    if environ.get("MAIL_BACKEND"):
        return environ["MAIL_BACKEND"]
    return "file" if environ.get("PORTAL_ENV", "development") == "development" else "smtp"


class Config:
    """Production-shaped defaults; every value can come from the environment."""

    PORTAL_ENV = os.environ.get("PORTAL_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL", ""))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_ENABLED = True
    # Redis unreachable: count limits in this worker's memory (a warning is logged) rather
    # than answer 500 to every sign-in; /healthz then says "degraded".
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_FROM = os.environ.get("MAIL_FROM", "VCA Portal <no-reply@vca-portal.invalid>")
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
    BASE_URL = os.environ.get("BASE_URL") or default_base_url(os.environ)
    # "smtp" sends through MAIL_SERVER; "file" writes .eml files to MAIL_DIR (instance/mail/).
    MAIL_BACKEND = default_mail_backend(os.environ)
    MAIL_DIR = os.environ.get("MAIL_DIR", "")

    # Larger bodies are refused with 413 before they are read; uploads (GIFT, CSV) have
    # their own smaller limits, checked as they are read.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # A form's token lives as long as a session can (12 hours), not for ever.
    WTF_CSRF_TIME_LIMIT = int(PERMANENT_SESSION_LIFETIME.total_seconds())

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent.parent / "translations")
    # Each name is written in its own language; add a language here and in translations/.
    LANGUAGES = {"en": "English", "id": "Bahasa Indonesia", "th": "ไทย", "ur": "اردو"}

    LOGIN_FAILURES_PER_ACCOUNT = 10
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "100 per 15 minutes")
    PASSWORD_RESET_HOURS = 2
    # A sign-up is finished from a link mailed to the address, valid this long.
    SIGNUP_CONFIRM_HOURS = 48
    # Refused invitation codes (and other refused sign-ups) per address; good ones are free.
    SIGNUP_FAILURES_PER_ADDRESS = os.environ.get("SIGNUP_FAILURES_PER_ADDRESS", "10 per hour")

    # Get involved: spam control and how long enquiries are kept (see the privacy notice).
    ENQUIRY_LIMIT_PER_ADDRESS = os.environ.get("ENQUIRY_LIMIT_PER_ADDRESS", "10 per hour")
    ENQUIRY_MIN_SECONDS = int(os.environ.get("ENQUIRY_MIN_SECONDS", "3"))
    ENQUIRY_RETENTION_DAYS = int(os.environ.get("ENQUIRY_RETENTION_DAYS", "365"))


class TestConfig(Config):
    """Settings for the test suite: a fresh database, no real mail server."""

    TESTING = True
    PORTAL_ENV = "testing"
    SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
    WTF_CSRF_ENABLED = True
    # Cheap argon2id for test accounts only: production keeps the library's defaults
    # (tests/accounts/test_password_params.py holds them at or above OWASP's minimum).
    PASSWORD_HASH_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 0
    MAIL_BACKEND = "smtp"
