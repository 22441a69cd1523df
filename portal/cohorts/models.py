"""Cohorts, memberships and invitation codes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.extensions import db

MEMBER_ROLES = ("participant", "trainer")


class Cohort(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    location: Mapped[str] = mapped_column(String(120), default="")
    sponsor: Mapped[str] = mapped_column(String(120), default="")
    elearning_opens: Mapped[date]
    workshop_start: Mapped[date]
    workshop_end: Mapped[date]
    alumni_from: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Progress settings (issue 10): the mastery an objective needs to count as met, and the
    # time zone in which the cohort's dates and assessment windows are shown and entered.
    mastery_threshold: Mapped[int] = mapped_column(default=70, server_default="70")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # "sessions_and_objectives" (the default) or "objectives": what earns the certificate.
    completion_rule: Mapped[str] = mapped_column(
        String(30), default="sessions_and_objectives", server_default="sessions_and_objectives"
    )

    # A draft until an admin publishes it; only published cohorts are shown publicly.
    is_published: Mapped[bool] = mapped_column(default=False, server_default=false())

    def has_elearning_opened(self, today: date) -> bool:
        return self.elearning_opens <= today

    def is_alumni_phase(self, today: date) -> bool:
        return self.alumni_from <= today


class Membership(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="participant")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship(lazy="joined")
    user = relationship("User", lazy="joined")


class Invitation(db.Model):
    """A code that lets people join a cohort; personal ones carry the invitee's details."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    max_uses: Mapped[int | None]
    uses: Mapped[int] = mapped_column(default=0)
    email: Mapped[str] = mapped_column(String(320), default="")
    name: Mapped[str] = mapped_column(String(80), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    organisation: Mapped[str] = mapped_column(String(160), default="")
    # The outbox message that carries a personal invitation (its delivery state is the truth).
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    accepted_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship(lazy="joined")

    def is_usable(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        if self.expires_at is not None and self.expires_at <= now:
            return False
        return self.max_uses is None or self.uses < self.max_uses
