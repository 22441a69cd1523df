"""Who may manage which cohort: the rule in Python and its SQL twin, side by side."""

from __future__ import annotations

from collections import namedtuple

from flask import g, has_request_context
from sqlalchemy import bindparam, event, false, select, true

from portal import permissions
from portal.accounts.models import User
from portal.cohorts.models import Cohort, Membership
from portal.database import driver_rows, read_rows
from portal.extensions import db

# Built once per process; each request only binds the user id.
_MEMBERSHIP_ROWS = (
    select(Membership.cohort_id, Membership.role, Cohort.alumni_from, Cohort.elearning_opens)
    .join(Cohort, Cohort.id == Membership.cohort_id)
    .where(Membership.user_id == bindparam("user_id"))
)


# The same columns, read with the signed-in user on every request (see
# accounts.services.UserRows): a user without memberships comes back once, with Nones.
USER_WITH_MEMBERSHIPS = (
    select(User, *_MEMBERSHIP_ROWS.selected_columns)
    .outerjoin(Membership, Membership.user_id == User.id)
    .outerjoin(Cohort, Cohort.id == Membership.cohort_id)
    .where(User.id == bindparam("user_id"))
)


def keep_membership_rows(user, rows: list) -> None:
    """Keep the memberships read with the user for the rest of the request, as
    membership_rows would have read them."""
    if has_request_context():
        kept = g.setdefault("_membership_rows", {})
        kept[user.id] = [tuple(row[1:]) for row in rows if row[1] is not None]


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


def _trains(user_id):
    """The ids of the cohorts where `user_id` (a value or a bound parameter) is a trainer."""
    return select(Membership.cohort_id).where(
        Membership.user_id == user_id, Membership.role == "trainer"
    )


def managed_cohorts(user):
    """SQL twin of can_manage_cohort: a condition on Cohort for the cohorts the user manages."""
    if permissions.is_admin(user):
        return true()
    if not permissions.is_staff(user):
        return false()
    return Cohort.id.in_(_trains(user.id))


def _managed_statement(columns: tuple, admin: bool):
    """A statement of `columns` of the cohort bound as cohort_id when the person bound as
    manager_id manages it: any cohort for an admin, else the same rule as managed_cohorts."""
    statement = select(*columns).where(Cohort.id == bindparam("cohort_id"))
    if admin:
        return statement
    return statement.where(Cohort.id.in_(_trains(bindparam("manager_id"))))


def managed_statements(*columns) -> dict:
    """managed_cohort's statements for `columns`, an admin's and a trainer's, the person
    and the cohort bound per request: build them once per process and pass them to
    `managed_cohort_columns`. A column that needs no cohort (e.g. a scalar subquery) may
    ride along, one statement less for its page."""
    statements = {admin: _managed_statement(columns, admin) for admin in (True, False)}
    # The row's type, with the columns' names as attributes, as SQLAlchemy's rows have.
    statements["row"] = namedtuple("ManagedCohort", statements[True].selected_columns.keys())
    return statements


_MANAGED_COHORT = managed_statements(Cohort)


def managed_cohort(user, cohort_id: int) -> Cohort | None:
    """The cohort by id if the user manages it, in one query."""
    if not permissions.is_staff(user):
        return None
    statement = _MANAGED_COHORT[permissions.is_admin(user)]
    return db.session.scalar(statement, {"cohort_id": cohort_id, "manager_id": user.id})


def managed_cohort_columns(user, cohort_id: int, statements: dict):
    """The row of `statements` (from `managed_statements`) for the cohort if the user
    manages it, by the same rule as managed_cohort: for pages that read no more of the
    cohort, plain columns cost less than an entity (about 40 µs a request). The
    statements are built once per process, so they are sent straight to the driver
    (database.driver_rows)."""
    if not permissions.is_staff(user):
        return None
    statement = statements[permissions.is_admin(user)]
    rows = driver_rows(statement, {"cohort_id": cohort_id, "manager_id": user.id})
    return statements["row"](*rows[0]) if rows else None
