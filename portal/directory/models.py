"""The opt-in directory of participants and alumni, and messages passed through the portal.

A person appears only through their own `DirectoryEntry`, which holds exactly what they
chose to list; deleting the entry removes them from every directory page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.extensions import db
from portal.practices.vocab import PILLARS

# The four pillars have one source, the practice vocabulary (portal/practices/vocab.py):
# the directory's "pillars of interest" and the library's pillar facet are the same words.
__all__ = ["PILLARS", "DirectMessage", "DirectoryEntry", "MessageBlock"]


class DirectoryEntry(db.Model):
    """What one person chose to list about themselves."""

    __tablename__ = "directory_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2), index=True)
    organisation: Mapped[str] = mapped_column(String(160), default="")
    organisation_type: Mapped[str] = mapped_column(String(40), index=True)
    # ",prevention,partnership," so one LIKE finds a pillar on SQLite and PostgreSQL alike.
    pillars: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="raise")

    @property
    def pillar_list(self) -> list[str]:
        return [p for p in self.pillars.split(",") if p in PILLARS]


class DirectMessage(db.Model):
    """A message from one person to another; e-mailed without either address."""

    __tablename__ = "direct_message"
    __table_args__ = (
        UniqueConstraint("sender_id", "client_token"),
        Index("ix_direct_message_pair", "sender_id", "recipient_id", "created_at"),
        Index("ix_direct_message_recipient", "recipient_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    client_token: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    sender = relationship("User", foreign_keys=[sender_id], lazy="joined")
    recipient = relationship("User", foreign_keys=[recipient_id], lazy="joined")


class MessageBlock(db.Model):
    """The blocker receives no more messages from the blocked person."""

    __tablename__ = "message_block"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
