"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context

MIN_LENGTH = 12


@cache
def _hasher_for(params: tuple[tuple[str, int], ...]) -> PasswordHasher:
    return PasswordHasher(**dict(params))


def _hasher() -> PasswordHasher:
    """argon2id with the library's recommended parameters, unless the app's
    PASSWORD_HASH_PARAMS says otherwise (only the test configuration does, to save time).
    Verification reads the parameters from the stored hash, so either hasher verifies both."""
    params = current_app.config.get("PASSWORD_HASH_PARAMS") if has_app_context() else None
    return _hasher_for(tuple(sorted((params or {}).items())))


# Passwords that appear at the top of every published leak list, plus ones a
# participant of this programme would guess first. Checked case-insensitively.
COMMON = {
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456123456",
    "111111111111",
    "000000000000",
    "password1234",
    "password12345",
    "passwordpassword",
    "password123!",
    "qwertyuiop12",
    "qwertyuiop123",
    "qwerty123456",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "abcdefghijkl",
    "abc123abc123",
    "iloveyou1234",
    "letmein12345",
    "welcome12345",
    "welcome123456",
    "admin1234567",
    "administrator",
    "changeme1234",
    "trustno1trustno1",
    "football1234",
    "baseball1234",
    "sunshine1234",
    "princess1234",
    "monkey123456",
    "dragon123456",
    "master123456",
    "superman1234",
    "starwars1234",
    "passw0rd1234",
    "p@ssw0rd1234",
    "p@ssword1234",
    "zaq12wsxcde3",
    "asdfghjkl123",
    "zxcvbnm12345",
    "1234qwerasdf",
    "qwerasdfzxcv",
    "aaaaaaaaaaaa",
    "secret123456",
    "computer1234",
    "internet1234",
    "myspace12345",
    "samsung12345",
    "jakarta12345",
    "bangkok12345",
    "manila123456",
    "dhaka1234567",
    "training1234",
    "workshop1234",
    "traffickingvictim",
    "vcaportal123",
    "vcaportal1234",
    "baliprocess1",
    "baliprocess123",
    "humantrafficking",
}


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; never raises on a malformed hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str, email: str = "") -> str | None:
    """A plain reason the password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) <= 2:
        return "This password is too common. Try a few unrelated words together."
    if "password" in lowered or _is_sequence(lowered):
        return "This password is too easy to guess. Try a few unrelated words together."
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered:
        return "Do not use your e-mail address in your password."
    return None


def _is_sequence(text: str) -> bool:
    rows = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")
    return any(text in row * 3 for row in rows)
