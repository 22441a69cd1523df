"""Exercises: a checklist or plan made of ordered sections of ordered items.

`ExerciseSummary` is the per-(user, session) state row that the progress feature reads;
the exercise services keep it up to date on every transition."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.extensions import db

STATES = ("draft", "submitted", "accepted", "published")
# The order in which an exercise advances; the summary keeps the furthest one reached.
STATE_RANK = {state: rank for rank, state in enumerate(STATES)}
MAX_TITLE = 160
MAX_LINE = 300
MAX_SECTIONS = 30
MAX_ITEMS = 60


class Exercise(db.Model):
    """One person's checklist or plan for a session's exercise."""

    __table_args__ = (
        UniqueConstraint("author_id", "client_token"),
        Index("ix_exercise_session_state", "session_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("curriculum_session.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    state: Mapped[str] = mapped_column(String(12), default="draft")
    # The published exercise this one was copied from; kept when the source disappears.
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercise.id", ondelete="SET NULL"), index=True
    )
    # Bumped by every change; forms carry it so a repeated click changes nothing twice.
    revision: Mapped[int] = mapped_column(default=0)
    # The random token of the form that created it: a double-clicked "start" makes one.
    client_token: Mapped[str | None] = mapped_column(String(40))
    feedback: Mapped[str] = mapped_column(Text, default="")
    feedback_html: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    session = relationship("CurriculumSession", lazy="joined", innerjoin=True)
    sections: Mapped[list[ExerciseSection]] = relationship(
        order_by="ExerciseSection.position",
        cascade="all, delete-orphan",
        lazy="selectin",
        back_populates="exercise",
    )

    @property
    def is_draft(self) -> bool:
        return self.state == "draft"

    @property
    def is_published(self) -> bool:
        return self.state == "published"

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


class ExerciseSection(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercise.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))

    exercise: Mapped[Exercise] = relationship(back_populates="sections")
    items: Mapped[list[ExerciseItem]] = relationship(
        order_by="ExerciseItem.position",
        cascade="all, delete-orphan",
        lazy="selectin",
        back_populates="section",
    )


class ExerciseItem(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("exercise_section.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(MAX_LINE))

    section: Mapped[ExerciseSection] = relationship(back_populates="items")


class ExerciseSummary(db.Model):
    """Per (user, session): the furthest state any of the user's exercises reached there.

    Read by progress: `first_submitted_at` is set once the user first submitted an exercise
    for the session (and stays set when a trainer sends it back); `state` is the furthest
    current state of the user's exercises for the session (draft, submitted, accepted or
    published); `exercise_count` counts them."""

    __tablename__ = "exercise_summary"
    __table_args__ = (UniqueConstraint("user_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("curriculum_session.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(12), default="draft")
    exercise_count: Mapped[int] = mapped_column(default=0)
    first_submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
