"""Benchmark set-up inside the portal: the demo participant gets a quiz attempt and a thread.

Run as `python bench/setup_data.py` with the portal's environment; prints the paths as JSON.
Pages listed in TRAINER_PAGES are measured signed in as the demo trainer, the rest as the
demo participant."""

from __future__ import annotations

import json
import secrets

from sqlalchemy import select

from portal import create_app
from portal.accounts.models import User
from portal.cohorts.models import Cohort, Membership
from portal.discussion import services as discussion
from portal.discussion.models import Board
from portal.extensions import db
from portal.learning import services as learning
from portal.learning.models import CurriculumSession, Quiz, Reading

TRAINER_PAGES = {"cohort dashboard"}


def main() -> None:
    app = create_app()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "participant@demo.test"))
        cohort_id = db.session.scalar(
            select(Membership.cohort_id).where(Membership.user_id == user.id)
        )
        session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 1))
        reading = db.session.scalar(
            select(Reading).where(Reading.session_id == session.id).order_by(Reading.position)
        )
        quiz = db.session.scalar(select(Quiz).where(Quiz.session_id == session.id))
        attempt = learning.start_attempt(user, quiz)
        # The trainer writes the thread: new participant accounts are rate-limited.
        trainer = db.session.scalar(select(User).where(User.email == "trainer@demo.test"))
        discussion.ensure_cohort_boards(db.session.get(Cohort, cohort_id))
        board = db.session.scalar(
            select(Board).where(Board.slot == f"session:{cohort_id}:{session.id}")
        )
        thread = discussion.create_thread(
            trainer,
            board,
            "What did you notice in session 1? (benchmark thread)",
            "discussion",
            "A fictional opening post for the benchmark, with **some** Markdown.",
            secrets.token_hex(8),
            None,
        )
        for n in range(20):
            discussion.reply(
                trainer, thread, f"Fictional reply number {n}.", secrets.token_hex(8), None
            )
        paths = {
            "session page": f"/sessions/{session.number}",
            "reading": f"/sessions/{session.number}/readings/{reading.slug}",
            "quiz attempt": f"/quiz/attempts/{attempt.id}",
            "thread": f"/discussion/threads/{thread.id}",
            "practice library": "/practices/",
            # The dashboard is the trainer's page: run.py signs the trainer in for it.
            "cohort dashboard": f"/cohorts/{cohort_id}/progress",
        }
        print(json.dumps(paths))


if __name__ == "__main__":
    main()
