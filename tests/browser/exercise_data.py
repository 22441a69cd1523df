"""Fictional exercise data for the browser tests, written into the live app's database."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from exercises.conftest import make_exercise_session
from factories import enrol, make_cohort, make_user

from portal.database import utcnow
from portal.extensions import db


def build_exercise_world(live_app) -> SimpleNamespace:
    """Session 3 with a small starter template; an author and a peer in one cohort with
    their trainer, and a participant of another cohort."""
    with live_app.app_context():
        make_exercise_session(3)
        cohort = make_cohort("Browser cohort (fictional)")
        other_cohort = make_cohort("Other browser cohort (fictional)")
        w = SimpleNamespace()
        w.author = make_user(display_name="Author Browser")
        w.trainer = make_user("trainer", display_name="Trainer Browser")
        w.other = make_user(display_name="Other Browser", country="VN")
        enrol(w.author, cohort)
        enrol(w.trainer, cohort, "trainer")
        enrol(w.other, other_cohort)
        for user in (w.author, w.trainer, w.other):
            user.created_at = utcnow() - timedelta(days=3)
        db.session.commit()
        return SimpleNamespace(author=w.author.email, trainer=w.trainer.email, other=w.other.email)


def build_hostile_exercises(live_app, texts: list[str]) -> SimpleNamespace:
    """A draft and a published exercise of the author whose titles, sections and items are
    the hostile texts, stored exactly as the builder's services would store them."""
    from portal.exercises.models import Exercise, ExerciseItem, ExerciseSection
    from portal.exercises.services import ExerciseError, clean_line
    from portal.learning.models import CurriculumSession

    world = build_exercise_world(live_app)
    lines = []
    for text in texts:
        try:
            lines.append(clean_line(text, 160, "item"))
        except ExerciseError:
            continue
    with live_app.app_context():
        from portal.accounts.models import User

        author = db.session.scalar(db.select(User).where(User.email == world.author))
        session = db.session.scalar(
            db.select(CurriculumSession).where(CurriculumSession.number == 3)
        )
        ids = {}
        for state in ("draft", "published"):
            exercise = Exercise(
                author_id=author.id, session_id=session.id, title=lines[0], state=state
            )
            for s_pos, start in enumerate(range(0, len(lines), 50), start=1):
                chunk = lines[start : start + 50]
                section = ExerciseSection(title=chunk[-1], position=s_pos)
                section.items = [
                    ExerciseItem(text=line, position=i) for i, line in enumerate(chunk, 1)
                ]
                exercise.sections.append(section)
            db.session.add(exercise)
            db.session.flush()
            ids[state] = exercise.id
        db.session.commit()
    return SimpleNamespace(**vars(world), lines=len(lines), **ids)
