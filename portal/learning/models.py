"""The curriculum (objectives, sessions, readings) and quizzes with their attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
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
    resources: Mapped[list | None] = mapped_column(JSON)
    is_retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The fingerprint of this item as the last file import left it (None: made in the browser).
    import_hash: Mapped[str | None] = mapped_column(String(64))

    objectives: Mapped[list[Objective]] = relationship(
        secondary=session_objective, order_by=Objective.number, lazy="selectin"
    )

    @property
    def has_exercise(self) -> bool:
        return self.exercise_template is not None


class Programme(db.Model):
    """The programme's own facts from programme.yaml (one row)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300), default="")


class Partner(db.Model):
    """A partner organisation of the programme, shipped with the curriculum's files (the
    public site shows them; the table keeps its name)."""

    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)


class Reading(db.Model):
    """A Markdown page of a session; `position` orders it, `slug` is its address."""

    __table_args__ = (UniqueConstraint("session_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("curriculum_session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=1)
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(default=1)
    words: Mapped[int] = mapped_column(default=0)
    is_retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The fingerprint of this item as the last file import left it (None: made in the browser).
    import_hash: Mapped[str | None] = mapped_column(String(64))


class ReadingProgress(db.Model):
    """A reading the user marked as done (deleted again when unmarked)."""

    __table_args__ = (UniqueConstraint("user_id", "reading_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    reading_id: Mapped[int] = mapped_column(
        ForeignKey("reading.id", ondelete="CASCADE"), index=True
    )
    done_at: Mapped[datetime] = mapped_column(default=utcnow)


QUIZ_KINDS = ("session", "assessment")
#: After every attempt, after the last attempt or a pass (the default), or never.
REVEAL_POLICIES = ("always", "last_or_pass", "never")
PHASES = ("pre", "post")


class Quiz(db.Model):
    """A session quiz (kind "session") or the pre/post assessment (kind "assessment")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="session")
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("curriculum_session.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[float] = mapped_column(default=60)
    max_attempts: Mapped[int] = mapped_column(default=0)
    shuffle: Mapped[bool] = mapped_column(default=True)
    feedback_pass: Mapped[str] = mapped_column(Text, default="")
    feedback_fail: Mapped[str] = mapped_column(Text, default="")
    # A retired quiz cannot be started; its attempts and their reviews stay with their owners.
    is_retired: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When the review shows the right answers and feedback: one of REVEAL_POLICIES.
    reveal: Mapped[str] = mapped_column(
        String(20), default="last_or_pass", server_default="last_or_pass"
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The fingerprint of this item as the last file import left it (None: made in the browser).
    import_hash: Mapped[str | None] = mapped_column(String(64))

    session: Mapped[CurriculumSession | None] = relationship(lazy="raise")

    @property
    def is_assessment(self) -> bool:
        return self.kind == "assessment"


class Question(db.Model):
    """A question of the bank; `spec` holds the canonical dict of content/README.md."""

    __table_args__ = (Index("ix_question_quiz_position", "quiz_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    spec: Mapped[dict] = mapped_column(JSON)
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    points: Mapped[float] = mapped_column(default=1)
    is_retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The fingerprint of this item as the last file import left it (None: made in the browser).
    import_hash: Mapped[str | None] = mapped_column(String(64))


ATTEMPT_STATES = ("in_progress", "submitted")


class QuizAttempt(db.Model):
    """One try at a quiz; graded once, when its state moves from in_progress to submitted."""

    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        Index("ix_quiz_attempt_user_quiz", "user_id", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(default=1)
    phase: Mapped[str] = mapped_column(String(10), default="")
    seed: Mapped[int] = mapped_column(default=0)
    question_ids: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default="in_progress")
    draft: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]
    objective_scores: Mapped[dict | None] = mapped_column(JSON)
    # Essay answers a trainer has still to grade; the score counts them once graded.
    awaiting_grading: Mapped[int] = mapped_column(default=0, server_default="0")

    quiz: Mapped[Quiz] = relationship(lazy="raise")

    @property
    def is_submitted(self) -> bool:
        return self.state == "submitted"


class AttemptAnswer(db.Model):
    """The graded response to one question; written once, at submission.

    An essay answer is the exception: it waits with grading_state "awaiting" until a
    trainer grades it once ("graded"), which sets its score, comment and rubric points.
    """

    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        Index("ix_attempt_answer_grading_state", "grading_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    question: Mapped[dict] = mapped_column(JSON)
    response: Mapped[object | None] = mapped_column(JSON)
    fraction: Mapped[float] = mapped_column(default=0)
    score: Mapped[float] = mapped_column(default=0)
    feedback: Mapped[list] = mapped_column(JSON, default=list)
    grading_state: Mapped[str] = mapped_column(String(20), default="", server_default="")
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None]
    grader_comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    rubric_points: Mapped[list | None] = mapped_column(JSON)

    @property
    def is_awaiting_grading(self) -> bool:
        return self.grading_state == "awaiting"


class QuizSummary(db.Model):
    """A user's standing on a quiz (per phase for the assessment), upserted on each submission.

    `objectives` maps an objective number (as text) to [earned, possible] points of the best
    attempt. Progress dashboards read only these rows.
    """

    __table_args__ = (UniqueConstraint("user_id", "quiz_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(10), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    best_percent: Mapped[float] = mapped_column(default=0)
    best_score: Mapped[float] = mapped_column(default=0)
    max_score: Mapped[float] = mapped_column(default=0)
    passed: Mapped[bool] = mapped_column(default=False)
    last_submitted_at: Mapped[datetime | None]
    objectives: Mapped[dict] = mapped_column(JSON, default=dict)


class AssessmentWindow(db.Model):
    """When a cohort may take the pre- or post-assessment."""

    __table_args__ = (UniqueConstraint("cohort_id", "quiz_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(10))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at
