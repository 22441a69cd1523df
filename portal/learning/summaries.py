"""Rebuilding QuizSummary rows from the raw attempts and answers.

`services.submit_attempt` keeps each summary up to date as attempts are stored; this
recomputes the same rows from `QuizAttempt` and `AttemptAnswer`, for the rebuild command
and after a question is retired or restored (a retired question then counts for nobody:
neither in the best attempt's points nor in its percent).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, insert, select

from portal.extensions import db
from portal.learning.models import AttemptAnswer, Question, QuizAttempt, QuizSummary


def _scored_attempts(quiz_ids: list[int] | None):
    """(attempt, [(score, points, objectives)]) for submitted attempts, oldest first."""
    attempts = select(QuizAttempt).where(QuizAttempt.state == "submitted")
    if quiz_ids is not None:
        attempts = attempts.where(QuizAttempt.quiz_id.in_(quiz_ids))
    rows = db.session.execute(
        select(AttemptAnswer.attempt_id, AttemptAnswer.score, AttemptAnswer.question, Question)
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .join(Question, Question.id == AttemptAnswer.question_id)
        .where(
            QuizAttempt.state == "submitted",
            Question.is_retired.is_(False),
            *([QuizAttempt.quiz_id.in_(quiz_ids)] if quiz_ids is not None else []),
        )
    ).all()
    answers: dict[int, list] = defaultdict(list)
    for attempt_id, score, snapshot, question in rows:
        points = float((snapshot or {}).get("points", 1))
        answers[attempt_id].append((score, points, question.objectives or []))
    for attempt in db.session.scalars(
        attempts.order_by(QuizAttempt.submitted_at, QuizAttempt.number, QuizAttempt.id)
    ):
        yield attempt, answers.get(attempt.id, [])


def rebuild_quiz_summaries(quiz_ids: list[int] | None = None) -> int:
    """Recompute the summaries of the given quizzes (all when None); the number of rows.

    The caller commits. The rules are those of `services._update_summary`: the best attempt
    has the highest percent (the earlier one on a tie); passed is true once any attempt passed.
    """
    best: dict[tuple, dict] = {}
    for attempt, answers in _scored_attempts(quiz_ids):
        score = round(sum(s for s, _p, _o in answers), 4)
        possible = float(sum(p for _s, p, _o in answers))
        percent = round(100 * score / possible, 2) if possible else 0.0
        objectives: dict[str, list[float]] = {}
        for earned, points, numbers in answers:
            for number in numbers:
                pair = objectives.setdefault(str(number), [0.0, 0.0])
                pair[0] += earned
                pair[1] += points
        key = (attempt.user_id, attempt.quiz_id, attempt.phase)
        row = best.get(key)
        if row is None:
            row = best[key] = {
                "user_id": attempt.user_id,
                "quiz_id": attempt.quiz_id,
                "phase": attempt.phase,
                "attempts": 0,
                "best_percent": percent,
                "best_score": score,
                "max_score": possible,
                "passed": False,
                "last_submitted_at": attempt.submitted_at,
                "objectives": objectives,
            }
        elif percent > row["best_percent"]:
            row.update(
                best_percent=percent, best_score=score, max_score=possible, objectives=objectives
            )
        row["attempts"] += 1
        row["passed"] = row["passed"] or bool(attempt.passed)
        if attempt.submitted_at and (
            row["last_submitted_at"] is None or attempt.submitted_at > row["last_submitted_at"]
        ):
            row["last_submitted_at"] = attempt.submitted_at
    statement = delete(QuizSummary)
    if quiz_ids is not None:
        statement = statement.where(QuizSummary.quiz_id.in_(quiz_ids))
    db.session.execute(statement)
    if best:
        db.session.execute(insert(QuizSummary), list(best.values()))
    return len(best)
