"""Writes about languages: one commit each, audited."""

from __future__ import annotations

from portal import audit
from portal.extensions import db


def set_profile_language(user, code: str) -> None:
    """Store `code` as the person's interface language."""
    user.language = code
    audit.record("profile.language", actor=user, language=code)
    db.session.commit()
