"""Who may do what: small named predicates, used by views and templates alike."""

from __future__ import annotations

from datetime import date

from flask_login import current_user
from sqlalchemy import select

from portal.cohorts.models import Cohort, Membership
from portal.extensions import db


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def is_admin(user) -> bool:
    return is_signed_in(user) and user.role == "admin"


def is_staff(user) -> bool:
    return is_signed_in(user) and user.role in ("trainer", "admin")


def membership(user, cohort_id: int) -> Membership | None:
    """The user's membership of the cohort, if any."""
    if not is_signed_in(user):
        return None
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.cohort_id == cohort_id)
    )


def can_manage_cohort(user, cohort: Cohort) -> bool:
    """Admins manage every cohort; trainers the cohorts they are enrolled in as trainer."""
    if is_admin(user):
        return True
    if not is_staff(user):
        return False
    member = membership(user, cohort.id)
    return member is not None and member.role == "trainer"


def managed_cohort(user, cohort_id: int) -> Cohort | None:
    """SQL twin of can_manage_cohort: the cohort by id if the user manages it, in one query."""
    if not is_staff(user):
        return None
    statement = select(Cohort).where(Cohort.id == cohort_id)
    if not is_admin(user):
        statement = statement.where(
            select(Membership.id)
            .where(
                Membership.cohort_id == Cohort.id,
                Membership.user_id == user.id,
                Membership.role == "trainer",
            )
            .exists()
        )
    return db.session.scalar(statement)


def can_view_cohort(user, cohort: Cohort) -> bool:
    return can_manage_cohort(user, cohort) or membership(user, cohort.id) is not None


def is_alumni(user, today: date | None = None) -> bool:
    """A participant of at least one cohort whose alumni phase has begun."""
    if not is_signed_in(user):
        return False
    today = today or date.today()
    return (
        db.session.scalar(
            select(Membership.id)
            .join(Cohort)
            .where(
                Membership.user_id == user.id,
                Membership.role == "participant",
                Cohort.alumni_from <= today,
            )
            .limit(1)
        )
        is not None
    )


PREDICATES = {
    "admin": is_admin,
    "staff": is_staff,
    "manage_cohort": can_manage_cohort,
    "view_cohort": can_view_cohort,
    "manage_users": is_admin,
}


def can(name: str, obj=None, user=None) -> bool:
    """Template-friendly entry point: can('manage_cohort', cohort)."""
    user = user if user is not None else current_user
    predicate = PREDICATES[name]
    return predicate(user, obj) if obj is not None else predicate(user)
