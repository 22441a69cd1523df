"""Signed unsubscribe tokens: they name a person and a thread, a board or "all e-mail"."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "unsubscribe"


@dataclass(frozen=True)
class UnsubscribeTarget:
    user_id: int
    kind: str  # "thread", "board" or "all"
    target_id: int | None = None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user_id: int, kind: str, target_id: int | None = None) -> str:
    """A token for the link in an e-mail; it does not expire, like a mailing-list link."""
    return _serializer().dumps([user_id, kind, target_id])


def read_token(token: str) -> UnsubscribeTarget | None:
    """The target named by a genuine token, or None for a forged or damaged one."""
    try:
        user_id, kind, target_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind not in ("thread", "board", "all"):
        return None
    if kind != "all" and not isinstance(target_id, int):
        return None
    return UnsubscribeTarget(user_id, kind, target_id)
