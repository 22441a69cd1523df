"""Practices in search, by the practice rules: library readers find published practices."""

from __future__ import annotations

from portal.search.queries import PracticeSource


def _practices():
    try:
        from portal.practices.models import Practice
        from portal.practices.permissions import user_reads_library
    except ImportError:  # a portal without the practice exchange
        return None
    return Practice, user_reads_library


def watch_practices() -> None:
    """Keep published practices in the index from now on (at start-up)."""
    from portal.search.indexing import listen_to_practices

    found = _practices()
    if found is not None:
        listen_to_practices(found[0])


def practice_source(user) -> PracticeSource | None:
    """How this user searches practices; None when they may not read the library."""
    found = _practices()
    if found is None or not found[1](user):
        return None
    return PracticeSource(model=found[0])
