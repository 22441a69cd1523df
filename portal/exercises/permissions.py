"""Who may do what with an exercise: each rule once in Python, with its SQL twin beside it."""

from __future__ import annotations

from sqlalchemy import and_, exists, select, true
from sqlalchemy.orm import aliased

from portal import permissions
from portal.cohorts.models import Membership
from portal.exercises.models import Exercise
from portal.extensions import db
from portal.learning.permissions import can_take_part


def can_use_exercises(user) -> bool:
    """Participants whose e-learning opened, alumni and staff build, read and copy."""
    return can_take_part(user)


def reviews_author_clause(user):
    """SQL twin of `can_review_author`: the exercise's author is a participant of a cohort
    that the user trains (admins review everyone)."""
    if permissions.is_admin(user):
        return true()
    author_member = aliased(Membership)
    trainer_member = aliased(Membership)
    return exists(
        select(author_member.id)
        .join(trainer_member, trainer_member.cohort_id == author_member.cohort_id)
        .where(
            author_member.user_id == Exercise.author_id,
            author_member.role == "participant",
            trainer_member.user_id == user.id,
            trainer_member.role == "trainer",
        )
    )


def can_review_author(user, author_id: int | None) -> bool:
    """Admins, and trainers of a cohort in which the author is a participant."""
    if permissions.is_admin(user):
        return True
    if not permissions.is_staff(user) or author_id is None:
        return False
    author_member = aliased(Membership)
    trainer_member = aliased(Membership)
    return (
        db.session.scalar(
            select(author_member.id)
            .join(
                trainer_member,
                and_(
                    trainer_member.cohort_id == author_member.cohort_id,
                    trainer_member.user_id == user.id,
                    trainer_member.role == "trainer",
                ),
            )
            .where(author_member.user_id == author_id, author_member.role == "participant")
            .limit(1)
        )
        is not None
    )


def is_author(user, exercise: Exercise) -> bool:
    return permissions.is_signed_in(user) and exercise.author_id == user.id


def can_see(user, exercise: Exercise) -> bool:
    """The author always; published ones to everyone taking part; submitted and later
    ones to the author's trainers."""
    if is_author(user, exercise):
        return True
    if exercise.is_published and can_use_exercises(user):
        return True
    return not exercise.is_draft and can_review_author(user, exercise.author_id)


def can_edit(user, exercise: Exercise) -> bool:
    return is_author(user, exercise) and exercise.is_draft


def can_review(user, exercise: Exercise) -> bool:
    return exercise.state == "submitted" and can_review_author(user, exercise.author_id)


def can_publish(user, exercise: Exercise) -> bool:
    return is_author(user, exercise) and exercise.state == "accepted"


def can_copy(user, exercise: Exercise) -> bool:
    return exercise.is_published and can_use_exercises(user)


SHAREABLE_STATES = ("accepted", "published")


def can_share_as_practice(user, exercise: Exercise) -> bool:
    """The author turns a checklist a trainer accepted (published or not) into a practice
    for the library, which then goes through the practice review."""
    return is_author(user, exercise) and exercise.state in SHAREABLE_STATES
