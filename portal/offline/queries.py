"""Reads for offline copies: one session with everything a reader needs, and its version."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from portal.i18n.content import session_texts
from portal.learning import queries as learning


@dataclass
class Bundle:
    session: object
    readings: list[dict]
    version: str
    updated_at: datetime


def session_bundle(number: int, user) -> Bundle | None:
    """The session, its readings with bodies and the user's marks, and a content version."""
    session = learning.session_by_number(number)
    if session is None:
        return None
    readings = learning.readings_with_progress(session.id, user, with_body=True)
    translation = session_texts(number).data
    return Bundle(
        session=session,
        readings=readings,
        version=content_version(session, [item["reading"] for item in readings], translation),
        updated_at=max([session.updated_at, *(item["reading"].updated_at for item in readings)]),
    )


def content_version(session, readings, translation: dict | None = None) -> str:
    """A short fingerprint of what the offline copy holds: it changes when any of it changes."""
    parts = {
        "session": [session.number, session.title, session.summary, session.discussion_prompt],
        "resources": session.resources or [],
        "readings": [[r.slug, r.title, r.summary, r.body] for r in readings],
        "translation": translation or {},
    }
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:10]
