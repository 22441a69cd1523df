"""Who takes part in the e-learning."""

from __future__ import annotations

from datetime import date

from flask import g, has_request_context
from sqlalchemy import bindparam, select

from portal import permissions
from portal.cohorts.models import Cohort, Membership
from portal.extensions import db

# Built once per process; each request only binds the values.
_TAKES_PART = (
    select(Membership.id)
    .join(Cohort, Cohort.id == Membership.cohort_id)
    .where(
        Membership.user_id == bindparam("user_id"),
        Cohort.elearning_opens <= bindparam("opened_by"),
    )
    .limit(1)
)


def can_take_part(user, today: date | None = None) -> bool:
    """Trainers, admins and members of a cohort whose e-learning has opened."""
    if not permissions.is_signed_in(user):
        return False
    if permissions.is_staff(user):
        return True
    cache_key = f"_takes_part_{user.id}"
    if today is None and has_request_context() and cache_key in g:
        return g.get(cache_key)
    user_id, opened_by = user.id, today or date.today()
    found = db.session.scalar(_TAKES_PART, {"user_id": user_id, "opened_by": opened_by}) is not None
    if today is None and has_request_context():
        setattr(g, cache_key, found)
    return found
