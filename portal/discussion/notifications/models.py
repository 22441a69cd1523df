"""Notifications: read positions, subscriptions and each person's e-mail choice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.extensions import db

EMAIL_MODES = ("post", "digest", "none")
# Quiet by default: one mail a day suits metered connections; people can ask for more.
DEFAULT_EMAIL_MODE = "digest"


class ThreadRead(db.Model):
    """How far a person has read a thread (the highest post number shown to them)."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_number: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Subscription(db.Model):
    """A person follows one thread or a whole board."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), index=True
    )
    board_id: Mapped[int | None] = mapped_column(
        ForeignKey("board.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "thread_id", name="uq_subscription_user_thread"),
        UniqueConstraint("user_id", "board_id", name="uq_subscription_user_board"),
        CheckConstraint("(thread_id IS NULL) <> (board_id IS NULL)", name="one_target"),
    )


class NotificationPreference(db.Model):
    """A person's e-mail choice (per post, daily digest, none) and their last digest."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    email_mode: Mapped[str] = mapped_column(String(10), default=DEFAULT_EMAIL_MODE)
    last_digest_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
