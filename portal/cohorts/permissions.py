"""Who may manage which cohort: the rule in Python and its SQL twin, side by side."""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import bindparam, event, false, select, true

from portal import permissions
from portal.cohorts.models import Cohort, Membership
from portal.database import read_rows
from portal.extensions import db

# Built once per process; each request only binds the user id.
_MEMBERSHIP_ROWS = (
    select(Membership.cohort_id, Membership.role, Cohort.alumni_from, Cohort.elearning_opens)
    .join(Cohort, Cohort.id == Membership.cohort_id)
    .where(Membership.user_id == bindparam("user_id"))
)


def membership_rows(user_id: int) -> list:
    """(cohort id, role, alumni_from, elearning_opens) of every cohort the user belongs to.

    One statement per request, shared by the rules that read them: the discussion Viewer
    (board visibility, alumni) and who takes part in the e-learning. A membership stored
    or removed during the request drops the kept rows (see `_memberships_changed`)."""
    if not has_request_context():
        return read_rows(_MEMBERSHIP_ROWS, {"user_id": user_id}).all()
    kept = g.setdefault("_membership_rows", {})
    if user_id not in kept:
        kept[user_id] = read_rows(_MEMBERSHIP_ROWS, {"user_id": user_id}).all()
    return kept[user_id]


@event.listens_for(Membership, "after_insert")
@event.listens_for(Membership, "after_update")
@event.listens_for(Membership, "after_delete")
def _memberships_changed(_mapper, _connection, member) -> None:
    if has_request_context():
        g.pop("_membership_rows", None)


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
