"""Builders for made-up curriculum data (clearly fictional, not the shipped content)."""

from __future__ import annotations

from portal.extensions import db
from portal.learning.models import CurriculumSession, Objective, Question, Quiz, Reading

TYPES = ("single", "multiple", "truefalse", "short", "matching", "numerical")


def question_spec(key: str, kind: str) -> dict:
    """A valid canonical question of the given type, with feedback on everything."""
    base = {
        "key": key,
        "type": kind,
        "name": f"Made-up {kind}",
        "objectives": [1, 2],
        "points": 1,
        "text": f"Question text for {key}",
        "feedback": f"General feedback {key}",
    }
    if kind == "single":
        base["options"] = [
            {"id": "a", "text": f"Right {key}", "fraction": 100, "feedback": f"Yes {key}"},
            {"id": "b", "text": f"Wrong {key}", "fraction": 0, "feedback": f"No {key}"},
            {"id": "c", "text": f"Other {key}", "fraction": 0, "feedback": f"Nope {key}"},
        ]
    elif kind == "multiple":
        base["options"] = [
            {"id": "a", "text": f"Half one {key}", "fraction": 50, "feedback": f"Good one {key}"},
            {"id": "b", "text": f"Half two {key}", "fraction": 50, "feedback": f"Good two {key}"},
            {"id": "c", "text": f"Bad {key}", "fraction": -50, "feedback": f"Bad pick {key}"},
        ]
    elif kind == "truefalse":
        base.update(answer=True, feedback_right=f"Right tf {key}", feedback_wrong=f"Wrong tf {key}")
    elif kind == "short":
        base["answers"] = [{"text": f"secretword{key}", "fraction": 100, "feedback": f"Spot {key}"}]
    elif kind == "numerical":
        base["answers"] = [{"value": 42, "tolerance": 1, "fraction": 100, "feedback": f"Num {key}"}]
    elif kind == "matching":
        base["pairs"] = [
            {"left": f"Left one {key}", "right": "Apple"},
            {"left": f"Left two {key}", "right": "Banana"},
        ]
    return base


def make_session(number: int = 1, readings: int = 2) -> CurriculumSession:
    """A session with objectives 1 and 2 and some readings."""
    objectives = []
    for n in (1, 2):
        objective = db.session.get(Objective, n) or Objective(
            number=n, title=f"Objective title {n}", description=f"Objective text {n}"
        )
        objectives.append(objective)
    session = CurriculumSession(
        number=number,
        slug=f"made-up-{number}",
        title=f"Made-up session {number}",
        summary=f"Summary of made-up session {number}.",
        discussion_prompt="What would you change in your office?",
        objectives=objectives,
        resources=[{"title": "A resource", "url": "https://example.org/", "note": "A note."}],
    )
    db.session.add(session)
    db.session.flush()
    for position in range(1, readings + 1):
        db.session.add(
            Reading(
                session_id=session.id,
                position=position,
                slug=f"reading-{position}",
                title=f"Reading {position} title",
                summary=f"Reading {position} summary.",
                body=f"## Part {position}\n\nThe body of reading {position}. " * 20,
                minutes=2,
                words=200,
            )
        )
    db.session.commit()
    return session


def make_quiz(session=None, questions: int = 6, kind: str = "session", **fields) -> Quiz:
    """A quiz with `questions` questions cycling through every type."""
    key = fields.pop("key", f"session-{session.number:02d}" if session else "assessment")
    quiz = Quiz(
        key=key,
        kind=kind,
        session_id=session.id if session else None,
        title=fields.pop("title", f"Quiz {key}"),
        pass_mark=fields.pop("pass_mark", 60),
        max_attempts=fields.pop("max_attempts", 3),
        shuffle=fields.pop("shuffle", True),
        feedback_pass=fields.pop("feedback_pass", "Overall well done text"),
        feedback_fail=fields.pop("feedback_fail", "Overall try again text"),
    )
    db.session.add(quiz)
    db.session.flush()
    for position in range(1, questions + 1):
        kind_of = TYPES[(position - 1) % len(TYPES)]
        spec = question_spec(f"{key}-q{position:02d}", kind_of)
        db.session.add(
            Question(
                quiz_id=quiz.id,
                position=position,
                key=spec["key"],
                type=kind_of,
                spec=spec,
                objectives=spec["objectives"],
                points=1,
            )
        )
    db.session.commit()
    return quiz
