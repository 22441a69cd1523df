"""Builders for a small made-up curriculum (clearly fictional, not the shipped content)."""

from __future__ import annotations

from portal.extensions import db
from portal.learning.models import CurriculumSession, Objective, Question, Quiz, Reading


def make_objectives() -> list[Objective]:
    objectives = []
    for n in (1, 2, 3, 4):
        objective = db.session.get(Objective, n) or Objective(
            number=n, title=f"Made-up objective {n}", description=f"Objective text {n}"
        )
        db.session.add(objective)
        objectives.append(objective)
    db.session.commit()
    return objectives


def make_session(number: int, objectives=(1,), readings: int = 0) -> CurriculumSession:
    session = CurriculumSession(
        number=number,
        slug=f"made-up-{number}",
        title=f"Made-up session {number}",
        summary="A summary.",
        objectives=[db.session.get(Objective, n) for n in objectives],
        resources=[],
    )
    db.session.add(session)
    db.session.flush()
    for position in range(1, readings + 1):
        db.session.add(
            Reading(
                session_id=session.id,
                position=position,
                slug=f"reading-{position}",
                title=f"Reading {position}",
                body=f"Body {position}.",
            )
        )
    db.session.commit()
    return session


def make_quiz(session: CurriculumSession, specs: list[dict]) -> Quiz:
    quiz = Quiz(
        key=f"session-{session.number:02d}",
        kind="session",
        session_id=session.id,
        title=f"Quiz {session.number}",
        pass_mark=50,
        max_attempts=0,
        shuffle=False,
    )
    db.session.add(quiz)
    db.session.flush()
    for position, spec in enumerate(specs, start=1):
        db.session.add(
            Question(
                quiz_id=quiz.id,
                key=spec["key"],
                position=position,
                type=spec["type"],
                spec=spec,
                objectives=spec["objectives"],
                points=spec.get("points", 1),
            )
        )
    db.session.commit()
    return quiz


def tf_spec(key: str, text: str = "Consent of a victim is irrelevant once means are used.") -> dict:
    return {
        "key": key,
        "type": "truefalse",
        "objectives": [1],
        "points": 1,
        "text": text,
        "answer": True,
        "feedback_right": "Right.",
        "feedback_wrong": "Not quite.",
    }
