"""Learning's reads for the authoring screens (sessions, readings, quizzes, questions)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.learning.content_files import ASSESSMENT_KEY
from portal.learning.gift import export_gift
from portal.learning.models import (
    AttemptAnswer,
    CurriculumSession,
    Objective,
    Question,
    Quiz,
    QuizAttempt,
    Reading,
)


def objectives() -> list[Objective]:
    """The programme's objectives in order."""
    return db.session.scalars(select(Objective).order_by(Objective.number)).all()


def session_rows() -> list[dict]:
    """Every session (retired ones too) with its reading and current-question counts."""
    readings = (
        select(func.count(Reading.id))
        .where(Reading.session_id == CurriculumSession.id, Reading.is_retired.is_(False))
        .scalar_subquery()
    )
    questions = (
        select(func.count(Question.id))
        .join(Quiz, Quiz.id == Question.quiz_id)
        .where(Quiz.session_id == CurriculumSession.id, Question.is_retired.is_(False))
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(CurriculumSession, readings, questions).order_by(CurriculumSession.number)
    ).all()
    return [{"session": s, "readings": r, "questions": q} for s, r, q in rows]


def sessions_in_order() -> list[CurriculumSession]:
    """Every session by number, with its objectives."""
    return db.session.scalars(select(CurriculumSession).order_by(CurriculumSession.number)).all()


def session_readings(session_id: int) -> list[Reading]:
    """The session's readings (retired ones too) in order."""
    return db.session.scalars(
        select(Reading)
        .where(Reading.session_id == session_id)
        .order_by(Reading.position, Reading.id)
    ).all()


def session_quiz(session_id: int) -> Quiz | None:
    """The session's quiz, if it has one."""
    return db.session.scalar(select(Quiz).where(Quiz.session_id == session_id))


def assessment_quiz() -> Quiz | None:
    """The pre/post assessment, if the curriculum has one."""
    return db.session.scalar(select(Quiz).where(Quiz.key == ASSESSMENT_KEY))


def quiz_questions(quiz_id: int) -> list[dict]:
    """The quiz's questions (retired ones too) in order, each with its count of graded answers."""
    answered = (
        select(func.count(AttemptAnswer.id))
        .where(AttemptAnswer.question_id == Question.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Question, answered)
        .where(Question.quiz_id == quiz_id)
        .order_by(Question.position, Question.id)
    ).all()
    return [{"question": q, "answers": n} for q, n in rows]


def current_question_specs(quiz_id: int) -> list[dict]:
    """The canonical dicts of the quiz's questions that are not retired, in order."""
    return [
        q.spec
        for q in db.session.scalars(
            select(Question)
            .where(Question.quiz_id == quiz_id, Question.is_retired.is_(False))
            .order_by(Question.position, Question.id)
        )
    ]


def question_is_used(question: Question) -> bool:
    """True when an attempt (graded, or open and holding the question) involves the question."""
    graded = db.session.scalar(
        select(AttemptAnswer.id).where(AttemptAnswer.question_id == question.id).limit(1)
    )
    if graded is not None:
        return True
    open_ids = db.session.scalars(
        select(QuizAttempt.question_ids).where(
            QuizAttempt.quiz_id == question.quiz_id, QuizAttempt.state == "in_progress"
        )
    )
    return any(question.id in [int(i) for i in ids or []] for ids in open_ids)


def questions_by_key(keys: list[str]) -> dict[str, Question]:
    """Existing questions with any of the keys."""
    if not keys:
        return {}
    return {q.key: q for q in db.session.scalars(select(Question).where(Question.key.in_(keys)))}


def keys_like(prefix: str) -> set[str]:
    """Every question key starting with the prefix."""
    return set(db.session.scalars(select(Question.key).where(Question.key.like(f"{prefix}%"))))


def last_position(quiz_id: int) -> int:
    """The highest question position in the quiz (0 when empty)."""
    return db.session.scalar(
        select(func.coalesce(func.max(Question.position), 0)).where(Question.quiz_id == quiz_id)
    )


def gift_text(session_id: int) -> str:
    """The session quiz's current questions as GIFT text (empty when there is no quiz)."""
    quiz = session_quiz(session_id)
    return export_gift(current_question_specs(quiz.id)) if quiz else ""
