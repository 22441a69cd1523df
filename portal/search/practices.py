"""Practices in search, by the practice rules: library readers find published practices
and the comments shown on them.

The practices feature registers its model and its reading rule here at start-up, so search
never imports practices (practices uses search's full-text match for its library)."""

from __future__ import annotations

from collections.abc import Callable

from portal.search.queries import PracticeSource

_REGISTERED: list[tuple[type, type, Callable[[object], bool]]] = []


def register_practices(
    model: type, comment_model: type, reads_library: Callable[[object], bool]
) -> None:
    """Keep published practices and their shown comments in the index from now on,
    readable by `reads_library`."""
    from portal.search.indexing import listen_to_practices

    if not _REGISTERED:
        listen_to_practices(model, comment_model)
    _REGISTERED[:] = [(model, comment_model, reads_library)]


def practice_source(user) -> PracticeSource | None:
    """How this user searches practices; None when they may not read the library."""
    if not _REGISTERED:
        return None
    model, comment_model, reads_library = _REGISTERED[0]
    if not reads_library(user):
        return None
    return PracticeSource(model=model, comment_model=comment_model)
