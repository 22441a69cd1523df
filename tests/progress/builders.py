"""A small made-up curriculum whose progress numbers can be worked out by hand."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from portal.database import utcnow
from portal.discussion.models import Board, Post
from portal.discussion.services import create_thread
from portal.extensions import db
from portal.learning import services as learning
from portal.learning.models import CurriculumSession, Objective, Question, Quiz, Reading


def _question(quiz: Quiz, key: str, objectives: list[int], points: float, position: int):
    spec = {
        "key": key,
        "type": "truefalse",
        "name": key,
        "text": f"Made-up statement {key}",
        "answer": True,
        "objectives": objectives,
        "points": points,
    }
    question = Question(
        quiz_id=quiz.id,
        position=position,
        key=key,
        type="truefalse",
        spec=spec,
        objectives=objectives,
        points=points,
    )
    db.session.add(question)
    return question


def small_curriculum() -> dict:
    """Objectives 1-2; session 1 (objectives 1, 2): 2 readings and a quiz of
    a (obj 1, 2 points), b (obj 1 and 2, 1 point), c (obj 2, 1 point);
    session 2 (objective 2): 1 reading and a quiz of d (obj 2, 1 point)."""
    objectives = [
        Objective(number=1, title="Know the made-up first aim", description="First aim text."),
        Objective(number=2, title="Apply the made-up second aim", description="Second aim text."),
    ]
    db.session.add_all(objectives)
    sessions = []
    for number, serves, readings in ((1, objectives, 2), (2, objectives[1:], 1)):
        session = CurriculumSession(
            number=number, slug=f"s{number}", title=f"Made-up session {number}", objectives=serves
        )
        db.session.add(session)
        db.session.flush()
        for position in range(1, readings + 1):
            db.session.add(
                Reading(
                    session_id=session.id,
                    position=position,
                    slug=f"r{position}",
                    title=f"Made-up reading {number}.{position}",
                )
            )
        sessions.append(session)
    quizzes = []
    for session in sessions:
        quiz = Quiz(
            key=f"session-{session.number:02d}",
            kind="session",
            session_id=session.id,
            title=f"Quiz {session.number}",
            pass_mark=60,
            max_attempts=0,
            shuffle=False,
        )
        db.session.add(quiz)
        db.session.flush()
        quizzes.append(quiz)
    q = {
        "a": _question(quizzes[0], "a", [1], 2, 1),
        "b": _question(quizzes[0], "b", [1, 2], 1, 2),
        "c": _question(quizzes[0], "c", [2], 1, 3),
        "d": _question(quizzes[1], "d", [2], 1, 1),
    }
    db.session.commit()
    readings = {(r.session_id, r.position): r for r in db.session.query(Reading).all()}
    return {"sessions": sessions, "quizzes": quizzes, "questions": q, "readings": readings}


def answer(user, quiz: Quiz, right: set[str]) -> None:
    """Submit an attempt through the real service, answering the keys in `right` correctly."""
    attempt = learning.start_attempt(user, quiz)
    questions = db.session.query(Question).filter(Question.id.in_(attempt.question_ids)).all()
    form = MultiDict([(f"q{q.id}", "true" if q.key in right else "false") for q in questions])
    assert learning.submit_attempt(user, attempt, quiz, form)


def post_in_session(user, cohort, session) -> None:
    """A post in the cohort's board for the session, through the posting service."""
    from portal.discussion.services import ensure_cohort_boards

    ensure_cohort_boards(cohort)
    board = db.session.query(Board).filter_by(cohort_id=cohort.id, session_id=session.id).one()
    create_thread(
        user,
        board,
        "Made-up question",
        "discussion",
        "A made-up first post about the session.",
        token=None,
        confirm=None,
    )
    # As if the post had been written a day ago, so the new-account rate limit lets the
    # next one through.
    db.session.execute(
        update(Post)
        .where(Post.author_id == user.id)
        .values(created_at=utcnow() - timedelta(days=1))
    )
    db.session.commit()
