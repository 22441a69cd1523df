"""SessionPostSummary: posts per user and curriculum session, kept as posts are written.

The posting services call `count_post` in the same transaction as the post; `rebuild`
recomputes every row from the posts themselves (the progress rebuild command).
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select

from portal.discussion.models import Board, Post, SessionPostSummary, Thread
from portal.extensions import db


def _upsert():
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(SessionPostSummary)


def count_post(author_id: int | None, board: Board, delta: int) -> None:
    """Add (or with -1 take away) one post of the author in a session board."""
    if author_id is None or board.kind != "session" or board.session_id is None:
        return
    table = SessionPostSummary.__table__
    statement = _upsert().values(
        user_id=author_id, session_id=board.session_id, posts=max(delta, 0)
    )
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "session_id"],
        set_={"posts": func.max(table.c.posts + delta, 0)}
        if db.engine.dialect.name == "sqlite"
        else {"posts": func.greatest(table.c.posts + delta, 0)},
    )
    db.session.execute(statement)


def _counts(user_ids: list[int] | None):
    statement = (
        select(Post.author_id, Board.session_id, func.count(Post.id))
        .join(Thread, Thread.id == Post.thread_id)
        .join(Board, Board.id == Thread.board_id)
        .where(
            Board.kind == "session",
            Board.session_id.is_not(None),
            Post.author_id.is_not(None),
            Post.is_deleted.is_(False),
        )
        .group_by(Post.author_id, Board.session_id)
    )
    if user_ids is not None:
        statement = statement.where(Post.author_id.in_(user_ids))
    return db.session.execute(statement).all()


def rebuild(user_ids: list[int] | None = None) -> int:
    """Recompute the rows of the given users (all when None) from the posts; the caller commits."""
    statement = delete(SessionPostSummary)
    if user_ids is not None:
        statement = statement.where(SessionPostSummary.user_id.in_(user_ids))
    db.session.execute(statement)
    rows = [
        {"user_id": user_id, "session_id": session_id, "posts": count}
        for user_id, session_id, count in _counts(user_ids)
    ]
    if rows:
        db.session.execute(insert(SessionPostSummary), rows)
    return len(rows)
