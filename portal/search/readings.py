"""Readings in search, by the learning rules: who takes part reads them, others see titles."""

from __future__ import annotations

from portal.search.queries import ReadingSource


def _learning():
    try:
        from portal.learning.models import CurriculumSession, Reading
        from portal.learning.permissions import can_take_part
    except ImportError:  # a learning feature without readings
        return None
    return Reading, CurriculumSession, can_take_part


def watch_readings() -> None:
    """Keep readings in the index from now on (at start-up, before any import runs)."""
    from portal.search.indexing import listen_to_readings

    learning = _learning()
    if learning is not None:
        listen_to_readings(learning[0])


def reading_source(user) -> ReadingSource | None:
    """How this user searches readings; None where the curriculum has no readings."""
    learning = _learning()
    if learning is None:
        return None
    reading, session, can_take_part = learning
    return ReadingSource(reading, session, may_read=can_take_part(user))
