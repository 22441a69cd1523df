"""Progress use cases: rebuilding the summaries, reminders, certificates."""

from __future__ import annotations

from portal import audit
from portal.discussion import summaries as post_summaries
from portal.extensions import db
from portal.learning.summaries import rebuild_quiz_summaries


class ProgressError(Exception):
    """A user-facing reason a use case was refused."""


def rebuild_all() -> dict[str, int]:
    """Recompute every summary progress reads from the raw records; one commit.

    Reading progress rows are themselves the record of a reading marked done, so there is
    nothing to recompute for them.
    """
    counts = {
        "quiz summaries": rebuild_quiz_summaries(None),
        "session post summaries": post_summaries.rebuild(None),
    }
    audit.record("progress.rebuilt", **{k.replace(" ", "_"): v for k, v in counts.items()})
    db.session.commit()
    return counts
