"""Enquiries from the public "Get involved" forms, and the inbox notes kept on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.extensions import db

KINDS = ("workshop", "curriculum", "present", "secondment")
# Trainers answer the enquiries about taking part in or presenting at a workshop.
TRAINER_KINDS = ("workshop", "present")
STATUSES = ("new", "in_progress", "answered", "closed")


class Enquiry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(320))
    organisation: Mapped[str] = mapped_column(String(160), default="")
    organisation_type: Mapped[str] = mapped_column(String(40), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    expertise: Mapped[str] = mapped_column(Text, default="")
    sessions: Mapped[str] = mapped_column(String(60), default="")
    agency: Mapped[str] = mapped_column(String(160), default="")
    duration: Mapped[str] = mapped_column(String(60), default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    assigned_to = relationship("User", lazy="joined")
    notes: Mapped[list[EnquiryNote]] = relationship(
        back_populates="enquiry",
        order_by="EnquiryNote.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def session_numbers(self) -> list[int]:
        return [int(n) for n in self.sessions.split(",") if n.isdigit()]


class EnquiryNote(db.Model):
    """One step in an enquiry's history: a status change, an assignment or a reply."""

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(
        ForeignKey("enquiry.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    enquiry: Mapped[Enquiry] = relationship(back_populates="notes")
    author = relationship("User", lazy="joined")
