"""Who may manage which cohort: the rule in Python and its SQL twin, side by side."""

from __future__ import annotations

from sqlalchemy import false, select, true

from portal import permissions
from portal.cohorts.models import Cohort, Membership
from portal.extensions import db


def membership(user, cohort_id: int) -> Membership | None:
    """The user's membership of the cohort, if any."""
    if not permissions.is_signed_in(user):
        return None
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.cohort_id == cohort_id)
    )


def can_manage_cohort(user, cohort: Cohort) -> bool:
    """Admins manage every cohort; trainers the cohorts they are enrolled in as trainer."""
    if permissions.is_admin(user):
        return True
    if not permissions.is_staff(user):
        return False
    member = membership(user, cohort.id)
    return member is not None and member.role == "trainer"


def managed_cohorts(user):
    """SQL twin of can_manage_cohort: a condition on Cohort for the cohorts the user manages."""
    if permissions.is_admin(user):
        return true()
    if not permissions.is_staff(user):
        return false()
    trains = select(Membership.cohort_id).where(
        Membership.user_id == user.id, Membership.role == "trainer"
    )
    return Cohort.id.in_(trains)


def managed_cohort(user, cohort_id: int) -> Cohort | None:
    """The cohort by id if the user manages it, in one query."""
    if not permissions.is_staff(user):
        return None
    return db.session.scalar(select(Cohort).where(Cohort.id == cohort_id, managed_cohorts(user)))
