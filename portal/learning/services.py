"""Learning use cases: reading progress, quiz attempts and assessment windows.

Each validates, writes, audits and commits once. Submitting is idempotent: the attempt
moves from in_progress to submitted in one conditional UPDATE, so a resent or
double-clicked submit (or two at the same moment) grades and stores the answers once.
"""

from __future__ import annotations

import random
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import case, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.database import utcnow
from portal.extensions import db
from portal.learning import grading, queries
from portal.learning.display import read_responses
from portal.learning.models import (
    AssessmentWindow,
    AttemptAnswer,
    Question,
    Quiz,
    QuizAttempt,
    QuizSummary,
    Reading,
    ReadingProgress,
)


class LearningError(Exception):
    """A user-facing reason a use case was refused."""


def _insert(model):
    """An INSERT that understands ON CONFLICT on both SQLite and PostgreSQL."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(model)


def set_reading_done(user, reading, done: bool) -> None:
    """Mark a reading (a Reading or a row with its id) as done or not done; sending the
    same state again changes nothing."""
    if done:
        db.session.execute(
            _insert(ReadingProgress)
            .values(user_id=user.id, reading_id=reading.id, done_at=utcnow())
            .on_conflict_do_nothing(index_elements=["user_id", "reading_id"])
        )
    else:
        db.session.execute(
            delete(ReadingProgress).where(
                ReadingProgress.user_id == user.id, ReadingProgress.reading_id == reading.id
            )
        )
    db.session.commit()


def _open_attempt(quiz: Quiz, user, phase: str) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.user_id == user.id,
            QuizAttempt.phase == phase,
            QuizAttempt.state == "in_progress",
        )
    )


def start_attempt(user, quiz: Quiz, phase: str = "") -> QuizAttempt:
    """The user's open attempt at the quiz, or a new one when attempts are left."""
    if quiz.is_retired:
        raise LearningError(_("This quiz is no longer offered."))
    existing = _open_attempt(quiz, user, phase)
    if existing is not None:
        return existing
    used, last = db.session.execute(
        select(
            func.count(QuizAttempt.id).filter(QuizAttempt.phase == phase),
            func.coalesce(func.max(QuizAttempt.number), 0),
        ).where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.user_id == user.id)
    ).one()
    limit = 1 if phase else quiz.max_attempts
    if limit and used >= limit:
        raise LearningError(_("You have used all your attempts at this quiz."))
    question_ids = db.session.scalars(
        select(Question.id)
        .where(Question.quiz_id == quiz.id, Question.is_retired.is_(False))
        .order_by(Question.position, Question.id)
    ).all()
    if not question_ids:
        raise LearningError(_("This quiz has no questions yet."))
    attempt = QuizAttempt(
        quiz_id=quiz.id,
        user_id=user.id,
        number=last + 1,
        phase=phase,
        seed=random.SystemRandom().randrange(1, 2**31),
        question_ids=list(question_ids),
        state="in_progress",
        draft={},
    )
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request started the same attempt number a moment ago: use that one.
        db.session.rollback()
        existing = _open_attempt(quiz, user, phase)
        if existing is None:
            raise LearningError(_("The attempt could not be started; please try again.")) from None
        return existing
    audit.record("quiz.attempt_started", actor=user, target=attempt, quiz=quiz.key, phase=phase)
    db.session.commit()
    return attempt


def save_draft(user, attempt, form) -> bool:
    """Keep the responses typed so far; False when the attempt is already submitted.
    `attempt` is a QuizAttempt or a row with its id, quiz_id, seed and question_ids."""
    questions = queries.question_specs(attempt.question_ids or [], attempt.quiz_id)
    responses = read_responses(questions, attempt.seed, form)
    result = db.session.execute(
        update(QuizAttempt)
        .where(
            QuizAttempt.id == attempt.id,
            QuizAttempt.user_id == user.id,
            QuizAttempt.state == "in_progress",
        )
        .values(draft=responses)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def grade_attempt(questions: list[Question], responses: dict) -> tuple[list[dict], dict]:
    """Grade every question; the answer rows and the totals (with per-objective points).

    An answered essay waits for a trainer: its row is "awaiting" and its points count
    neither as earned nor as possible (in the score, the percent or the objectives) until
    it is graded, so a provisional result never claims more than has been measured.
    """
    rows = []
    objectives: dict[str, list[float]] = {}
    score = total = 0.0
    awaiting = 0
    for position, question in enumerate(questions, start=1):
        response = responses.get(str(question.id))
        result = grading.grade(question.spec, response)
        points = grading.points_of(question.spec)
        waits = grading.needs_trainer(question.spec, response)
        earned = round(result.fraction * points, 4)
        if waits:
            awaiting += 1
        else:
            score += earned
            total += points
            for objective in (question.objectives or []) if points else []:
                pair = objectives.setdefault(str(objective), [0.0, 0.0])
                pair[0] += earned
                pair[1] += points
        rows.append(
            {
                "question_id": question.id,
                "position": position,
                "question": question.spec,
                "response": response,
                "fraction": result.fraction,
                "score": earned,
                "feedback": result.feedback,
                "grading_state": "awaiting" if waits else "",
            }
        )
    return rows, {
        "score": round(score, 4),
        "max_score": total,
        "objectives": objectives,
        "awaiting": awaiting,
    }


def submit_attempt(
    user, attempt: QuizAttempt, quiz: Quiz, form=None, responses: dict | None = None
) -> bool:
    """Grade and store the attempt once; False when it had been submitted already.

    The responses come from the submitted form, or (after the confirmation page) from
    the answers saved with the attempt.
    """
    questions = queries.attempt_questions(attempt)
    if responses is None:
        responses = read_responses(questions, attempt.seed, form)
    rows, totals = grade_attempt(questions, responses)
    percent = round(100 * totals["score"] / totals["max_score"], 2) if totals["max_score"] else 0.0
    # With essays still to grade nothing is decided yet: the pass comes with the grade.
    passed = percent >= quiz.pass_mark and not totals["awaiting"]
    now = utcnow()
    result = db.session.execute(
        update(QuizAttempt)
        .where(
            QuizAttempt.id == attempt.id,
            QuizAttempt.user_id == user.id,
            QuizAttempt.state == "in_progress",
        )
        .values(
            state="submitted",
            submitted_at=now,
            draft=responses,
            score=totals["score"],
            max_score=totals["max_score"],
            percent=percent,
            passed=passed,
            objective_scores=totals["objectives"],
            awaiting_grading=totals["awaiting"],
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return False
    db.session.execute(insert(AttemptAnswer), [{"attempt_id": attempt.id, **r} for r in rows])
    _update_summary(
        user.id,
        quiz.id,
        attempt.phase,
        {
            "best_percent": percent,
            "best_score": totals["score"],
            "max_score": totals["max_score"],
            "passed": passed,
            "last_submitted_at": now,
            "objectives": totals["objectives"],
        },
    )
    audit.record(
        "quiz.attempt_submitted", actor=user, target=attempt, quiz=quiz.key, percent=percent
    )
    db.session.commit()
    return True


def unanswered_numbers(questions: list[Question], responses: dict) -> list[int]:
    """The numbers (as the attempt page shows them) of the questions left blank."""
    numbers = []
    number = 0
    for question in questions:
        if question.spec.get("type") == "description":
            continue
        number += 1
        if not grading.grade(question.spec, responses.get(str(question.id))).is_answered:
            numbers.append(number)
    return numbers


def grade_essay(
    trainer,
    answer: AttemptAnswer,
    attempt: QuizAttempt,
    quiz: Quiz,
    points: float,
    comment: str,
    rubric_points: list[float] | None = None,
) -> bool:
    """Record a trainer's grade for an essay answer once; False when it was graded already.

    The attempt's score, percent, pass and per-objective points take the essay in, and
    the participant's summary row is recomputed from their best attempt.
    """
    possible = grading.points_of(answer.question)
    points = round(min(max(points, 0.0), possible), 4)
    now = utcnow()
    result = db.session.execute(
        update(AttemptAnswer)
        .where(AttemptAnswer.id == answer.id, AttemptAnswer.grading_state == "awaiting")
        .values(
            grading_state="graded",
            score=points,
            fraction=points / possible if possible else 0.0,
            grader_id=trainer.id,
            graded_at=now,
            grader_comment=comment,
            rubric_points=rubric_points,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return False
    # Lock the attempt row so two essays of one attempt graded at once both count.
    locked = db.session.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.id == attempt.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    objectives = {k: list(v) for k, v in (locked.objective_scores or {}).items()}
    for objective in answer.question.get("objectives") or []:
        pair = objectives.setdefault(str(objective), [0.0, 0.0])
        pair[0] += points
        pair[1] += possible
    locked.score = round((locked.score or 0) + points, 4)
    locked.max_score = (locked.max_score or 0) + possible
    locked.awaiting_grading = max(0, locked.awaiting_grading - 1)
    locked.percent = round(100 * locked.score / locked.max_score, 2) if locked.max_score else 0.0
    locked.passed = locked.percent >= quiz.pass_mark and not locked.awaiting_grading
    locked.objective_scores = objectives
    db.session.flush()
    _recompute_summary(locked.user_id, locked.quiz_id, locked.phase)
    audit.record("quiz.essay_graded", actor=trainer, target=locked, quiz=quiz.key, answer=answer.id)
    db.session.commit()
    return True


def _recompute_summary(user_id: int, quiz_id: int, phase: str) -> None:
    """Set the summary row from the user's submitted attempts: the best one gives the
    scores and objectives (the earlier one on a tie), passed when any attempt passed."""
    attempts = db.session.scalars(
        select(QuizAttempt)
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.phase == phase,
            QuizAttempt.state == "submitted",
        )
        .order_by(QuizAttempt.number)
    ).all()
    if not attempts:
        return
    best = attempts[0]
    for attempt in attempts[1:]:
        if (attempt.percent or 0) > (best.percent or 0):
            best = attempt
    db.session.execute(
        update(QuizSummary)
        .where(
            QuizSummary.user_id == user_id,
            QuizSummary.quiz_id == quiz_id,
            QuizSummary.phase == phase,
        )
        .values(
            best_percent=best.percent or 0,
            best_score=best.score or 0,
            max_score=best.max_score or 0,
            objectives=best.objective_scores or {},
            passed=any(a.passed for a in attempts),
        )
        .execution_options(synchronize_session=False)
    )


def _update_summary(user_id: int, quiz_id: int, phase: str, values: dict) -> None:
    """Upsert the user's summary row for the quiz (and phase) with one more submitted attempt.

    The best attempt (highest percent; the earlier one on a tie) gives the scores and the
    per-objective points; one statement, so concurrent submissions cannot lose a count.
    """
    table = QuizSummary.__table__
    statement = _insert(QuizSummary).values(
        user_id=user_id, quiz_id=quiz_id, phase=phase, attempts=1, **values
    )
    new = statement.excluded
    better = new.best_percent > table.c.best_percent
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "quiz_id", "phase"],
        set_={
            "attempts": table.c.attempts + 1,
            "best_percent": case((better, new.best_percent), else_=table.c.best_percent),
            "best_score": case((better, new.best_score), else_=table.c.best_score),
            "max_score": case((better, new.max_score), else_=table.c.max_score),
            "objectives": case((better, new.objectives), else_=table.c.objectives),
            "passed": or_(table.c.passed, new.passed),
            "last_submitted_at": new.last_submitted_at,
        },
    )
    db.session.execute(statement)


def set_window(
    actor, cohort, quiz: Quiz, phase: str, opens_at: datetime, closes_at: datetime
) -> AssessmentWindow:
    """Create or change the cohort's pre- or post-assessment window.

    The times are entered in the cohort's time zone and stored in UTC; a pre and a post
    window cannot overlap, and the pre-assessment cannot close after the post one opens.
    """
    if closes_at <= opens_at:
        raise LearningError(_("The window must close after it opens."))
    opens_at, closes_at = to_utc(opens_at, cohort.time_zone), to_utc(closes_at, cohort.time_zone)
    windows = queries.cohort_windows(cohort.id)
    other = windows.get("post" if phase == "pre" else "pre")
    if other is not None:
        pre = (opens_at, closes_at) if phase == "pre" else (other.opens_at, other.closes_at)
        post = (other.opens_at, other.closes_at) if phase == "pre" else (opens_at, closes_at)
        if pre[1] > post[0]:
            raise LearningError(
                _("The pre-assessment must close before the post-assessment opens.")
            )
    window = windows.get(phase)
    if window is None:
        window = AssessmentWindow(cohort_id=cohort.id, quiz_id=quiz.id, phase=phase)
        db.session.add(window)
    window.opens_at, window.closes_at = opens_at, closes_at
    db.session.flush()
    audit.record("assessment.window_set", actor=actor, target=cohort, phase=phase)
    db.session.commit()
    return window


def to_utc(local: datetime, zone: str) -> datetime:
    """A naive time in the zone (e.g. the cohort's), as a naive UTC time."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    return local.replace(tzinfo=ZoneInfo(zone or "UTC")).astimezone(UTC).replace(tzinfo=None)


def record_readings_done(user, readings: list[Reading], done_ids: set[int]) -> int:
    """Set done / not done for several readings of one session at once (read offline).

    Only the given readings change; sending the same form twice changes nothing the second
    time. Returns how many readings became done.
    """
    ids = [reading.id for reading in readings]
    already = set(
        db.session.scalars(
            select(ReadingProgress.reading_id).where(
                ReadingProgress.user_id == user.id, ReadingProgress.reading_id.in_(ids)
            )
        )
    )
    wanted = done_ids & set(ids)
    new = wanted - already
    for reading_id in sorted(new):
        db.session.execute(
            _insert(ReadingProgress)
            .values(user_id=user.id, reading_id=reading_id, done_at=utcnow())
            .on_conflict_do_nothing(index_elements=["user_id", "reading_id"])
        )
    undone = already - wanted
    if undone:
        db.session.execute(
            delete(ReadingProgress).where(
                ReadingProgress.user_id == user.id, ReadingProgress.reading_id.in_(undone)
            )
        )
    if new or undone:
        audit.record("reading.recorded", actor=user, done=len(new), undone=len(undone))
    db.session.commit()
    return len(new)
