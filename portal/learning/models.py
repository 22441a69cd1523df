"""The curriculum: objectives, sessions and the session-to-objective map."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.extensions import db

session_objective = Table(
    "session_objective",
    db.metadata,
    Column("session_id", ForeignKey("curriculum_session.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "objective_number", ForeignKey("objective.number", ondelete="CASCADE"), primary_key=True
    ),
)


class Objective(db.Model):
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)


class CurriculumSession(db.Model):
    """One of the programme's sessions (a module of readings, a quiz and a prompt)."""

    __tablename__ = "curriculum_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    discussion_prompt: Mapped[str] = mapped_column(Text, default="")
    exercise_intro: Mapped[str] = mapped_column(Text, default="")
    exercise_template: Mapped[list | None] = mapped_column(JSON)
    is_retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    objectives: Mapped[list[Objective]] = relationship(
        secondary=session_objective, order_by=Objective.number, lazy="selectin"
    )

    @property
    def has_exercise(self) -> bool:
        return self.exercise_template is not None
