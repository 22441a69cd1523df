"""Discussion: boards, threads, posts, their revisions and flags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.extensions import db

BOARD_KINDS = ("session", "cohort", "alumni")
THREAD_KINDS = ("discussion", "question")


class Board(db.Model):
    """A place for threads: a session board or the private board of a cohort, or an
    alumni-forum category (cohort_id is None)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    # "session:<cohort>:<session>" or "cohort:<cohort>", so lazy creation never duplicates.
    slot: Mapped[str | None] = mapped_column(String(40), unique=True)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("curriculum_session.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Alumni categories can be retired: hidden from the list, threads kept and readable.
    is_retired: Mapped[bool] = mapped_column(default=False, server_default=false())

    cohort = relationship("Cohort", lazy="raise")


class Thread(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(12), default="discussion")
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)
    # The highest post number handed out; replies take the next one.
    last_number: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    accepted_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)

    board: Mapped[Board] = relationship(lazy="joined", innerjoin=True)
    author = relationship("User", lazy="joined")

    __table_args__ = (Index("ix_thread_board_order", "board_id", "is_pinned", "last_post_at"),)

    @property
    def is_question(self) -> bool:
        return self.kind == "question"


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    edited_at: Mapped[datetime | None]
    redacted_at: Mapped[datetime | None]
    is_deleted: Mapped[bool] = mapped_column(default=False)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    # A random token per rendered form: a double-clicked submit stores one post.
    client_token: Mapped[str | None] = mapped_column(String(64))

    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id])
    author = relationship("User", lazy="joined")

    __table_args__ = (
        UniqueConstraint("thread_id", "number", name="uq_post_thread_number"),
        UniqueConstraint("author_id", "client_token", name="uq_post_author_token"),
    )


class PostRevision(db.Model):
    """The text of a post before an edit or a redaction."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(12), default="edit")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    editor = relationship("User", lazy="joined")


class Flag(db.Model):
    """Someone asked a moderator to look at a post."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship()
    reporter = relationship("User", lazy="joined", foreign_keys=[reporter_id])


class SessionPostSummary(db.Model):
    """How many posts (not deleted) a user has in the boards of one curriculum session.

    Kept up to date by the posting services; progress reads it to know who has posted.
    """

    __table_args__ = (UniqueConstraint("user_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("curriculum_session.id", ondelete="CASCADE"), index=True
    )
    posts: Mapped[int] = mapped_column(default=0)
