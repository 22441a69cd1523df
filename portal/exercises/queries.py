"""Exercise reads: each returns what a page needs in a few statements."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased, joinedload, raiseload

from portal.database import read_rows
from portal.exercises import permissions
from portal.exercises.models import Exercise, ExerciseItem, ExerciseSection
from portal.extensions import db
from portal.learning.models import CurriculumSession

# An exercise's session is joined in, but its objectives are not fetched again for every
# exercise: the page has usually loaded the session already (identity map), and when it has
# not, the objectives load once on first use.
_SESSION = joinedload(Exercise.session).lazyload(CurriculumSession.objectives)


def session_with_exercise(number: int) -> CurriculumSession:
    """A current session that carries an exercise; 404 otherwise."""
    session = db.session.scalar(
        select(CurriculumSession).where(
            CurriculumSession.number == number, CurriculumSession.is_retired.is_(False)
        )
    )
    if session is None or session.exercise_template is None:
        abort(404)
    return session


def exercise_for(user, exercise_id: int) -> Exercise:
    """The exercise if the user may see it; 404 for anyone else."""
    exercise = db.session.get(Exercise, exercise_id, options=[_SESSION])
    if exercise is None or not permissions.can_see(user, exercise):
        abort(404)
    return exercise


def section_for(exercise: Exercise, section_id: int) -> ExerciseSection:
    """A section of this exercise; 404 for a section of any other."""
    section = next((s for s in exercise.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    return section


def item_for(exercise: Exercise, item_id: int) -> ExerciseItem:
    """An item of this exercise; 404 for an item of any other."""
    for section in exercise.sections:
        for item in section.items:
            if item.id == item_id:
                return item
    abort(404)


def source_of(exercise: Exercise) -> Exercise | None:
    """The exercise this one was copied from, if it still exists (the caller checks access)."""
    if not exercise.source_id:
        return None
    return db.session.get(Exercise, exercise.source_id, options=[_SESSION])


@dataclass
class PublishedRow:
    exercise: Exercise
    copies: int


def _copy_counts():
    copy = aliased(Exercise)
    return (
        select(func.count(copy.id))
        .where(copy.source_id == Exercise.id)
        .correlate(Exercise)
        .scalar_subquery()
    )


def session_hub(session_id: int, user) -> dict:
    """The user's own exercises for the session and the published ones (two statements)."""
    mine = db.session.scalars(
        select(Exercise)
        .where(Exercise.session_id == session_id, Exercise.author_id == user.id)
        .options(raiseload(Exercise.sections), _SESSION)
        .order_by(Exercise.created_at.desc(), Exercise.id.desc())
    ).all()
    published = db.session.execute(
        select(Exercise, _copy_counts())
        .options(raiseload(Exercise.sections), _SESSION)
        .where(Exercise.session_id == session_id, Exercise.state == "published")
        .order_by(Exercise.published_at.desc(), Exercise.id.desc())
        .limit(50)
    ).all()
    return {"mine": mine, "published": [PublishedRow(e, n) for e, n in published]}


def copies_of(exercise: Exercise) -> list[Exercise]:
    """The copies made of an exercise (their authors and states), newest first."""
    return list(
        db.session.scalars(
            select(Exercise)
            .options(raiseload(Exercise.sections), _SESSION)
            .where(Exercise.source_id == exercise.id)
            .order_by(Exercise.created_at.desc(), Exercise.id.desc())
            .limit(100)
        )
    )


def review_queue(user) -> list[Exercise]:
    """Submitted exercises of participants in the cohorts the user trains (all for admins)."""
    return list(
        db.session.scalars(
            select(Exercise)
            .options(raiseload(Exercise.sections), _SESSION)
            .where(Exercise.state == "submitted", permissions.reviews_author_clause(user))
            .order_by(Exercise.submitted_at, Exercise.id)
            .limit(200)
        )
    )


_OTHER = aliased(Exercise)
_PUBLISHED_COUNT = select(func.count(_OTHER.id)).where(
    _OTHER.session_id == bindparam("session_id"), _OTHER.state == "published"
)
# Built once; plain rows of what the slot shows (an Exercise entity would join its author).
_SLOT_ROWS = (
    select(
        Exercise.id,
        Exercise.title,
        Exercise.state,
        _PUBLISHED_COUNT.scalar_subquery().label("published"),
    )
    .where(
        Exercise.session_id == bindparam("session_id"), Exercise.author_id == bindparam("user_id")
    )
    .order_by(Exercise.created_at.desc(), Exercise.id.desc())
)


def session_slot(session_id: int, user) -> dict:
    """For the exercise slot of the session page: the user's own exercises for the session
    (rows of id, title, state) and how many are published (one statement when the user has
    exercises there, else two; the session itself is already loaded by the page)."""
    values = {"session_id": session_id, "user_id": user.id}
    mine = read_rows(_SLOT_ROWS, values).all()
    published = mine[0].published if mine else read_rows(_PUBLISHED_COUNT, values).scalar()
    return {"mine": mine, "published_count": published}


def visible_link(user, row):
    """The exercise row (anything with id, state and author_id) when the user may see that
    exercise, else None: its author; everyone taking part once it is published; the
    author's trainers once submitted (one statement for a trainer, none otherwise)."""
    if row is None:
        return None
    if row.author_id == user.id:
        return row
    if row.state == "published" and permissions.can_use_exercises(user):
        return row
    if row.state != "draft" and permissions.can_review_author(user, row.author_id):
        return row
    return None
