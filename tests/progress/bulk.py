"""Fill a cohort with many made-up participants and their summary rows, quickly (bulk inserts).

Used by the statement-count test and by scripts/bench_progress.py. Every person is
fictional ("Made-up person 17"); activity varies so every branch of the measure is used.
"""

from __future__ import annotations

from sqlalchemy import insert, select

from portal.accounts.models import User
from portal.cohorts.models import Membership
from portal.discussion.models import SessionPostSummary
from portal.extensions import db
from portal.learning.models import (
    CurriculumSession,
    Question,
    Quiz,
    QuizSummary,
    Reading,
    ReadingProgress,
)

COUNTRIES = ("BD", "KH", "CN", "IN", "KR", "TH", "MV", "MN", "PK", "ID", "PH", "VN", "LK")
TYPES = ("national_government", "ngo", "survivor_led", "international")


def add_participants(cohort, count: int, start: int = 0) -> None:
    """`count` participants of the cohort with readings, quiz summaries and posts."""
    users = [
        {
            "email": f"made-up-{start + i}@example.test",
            "password_hash": "!bulk-no-login",
            "display_name": f"Made-up person {start + i}",
            "role": "participant",
            "country": COUNTRIES[i % len(COUNTRIES)],
            "organisation_type": TYPES[i % len(TYPES)],
            "organisation": f"Made-up office {i % 40}",
        }
        for i in range(count)
    ]
    for chunk in range(0, count, 2000):
        db.session.execute(insert(User), users[chunk : chunk + 2000])
    ids = db.session.scalars(
        select(User.id)
        .where(User.email.like("made-up-%@example.test"))
        .order_by(User.id)
        .offset(start)
        .limit(count)
    ).all()
    sessions = db.session.scalars(
        select(CurriculumSession.id).where(CurriculumSession.is_retired.is_(False))
    ).all()
    readings = db.session.scalars(select(Reading.id).order_by(Reading.id)).all()
    quizzes = db.session.execute(select(Quiz.id).where(Quiz.kind == "session")).scalars().all()
    objectives = {}
    for quiz_id, numbers, points in db.session.execute(
        select(Question.quiz_id, Question.objectives, Question.points)
    ):
        for n in numbers or []:
            pair = objectives.setdefault(quiz_id, {}).setdefault(str(n), [0.0, 0.0])
            pair[1] += points
    members, progress, summaries, posts = [], [], [], []
    for index, user_id in enumerate(ids):
        members.append({"user_id": user_id, "cohort_id": cohort.id, "role": "participant"})
        reach = index % 5  # 0: not started … 4: far along
        for reading_id in readings[: len(readings) * reach // 4]:
            progress.append({"user_id": user_id, "reading_id": reading_id})
        for quiz_id in quizzes[: len(quizzes) * reach // 4]:
            share = 0.5 + 0.1 * reach
            points = {
                k: [round(v[1] * share, 2), v[1]] for k, v in objectives.get(quiz_id, {}).items()
            }
            summaries.append(
                {
                    "user_id": user_id,
                    "quiz_id": quiz_id,
                    "phase": "",
                    "attempts": 1,
                    "best_percent": 100 * share,
                    "best_score": 0,
                    "max_score": 0,
                    "passed": share >= 0.6,
                    "objectives": points,
                }
            )
        for session_id in sessions[: len(sessions) * reach // 4]:
            posts.append({"user_id": user_id, "session_id": session_id, "posts": 1 + index % 3})
    for table, rows in (
        (Membership, members),
        (ReadingProgress, progress),
        (QuizSummary, summaries),
        (SessionPostSummary, posts),
    ):
        for chunk in range(0, len(rows), 5000):
            db.session.execute(insert(table), rows[chunk : chunk + 5000])
    db.session.commit()
