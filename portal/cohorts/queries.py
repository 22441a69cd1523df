"""Cohort reads."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cohorts.models import Cohort, Invitation, Membership
from portal.extensions import db


def cohorts_for(user) -> list[tuple[Cohort, int]]:
    """Cohorts the user may manage, newest first, with their participant counts."""
    counts = (
        select(Membership.cohort_id, func.count(Membership.id).label("n"))
        .where(Membership.role == "participant")
        .group_by(Membership.cohort_id)
        .subquery()
    )
    query = (
        select(Cohort, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.cohort_id == Cohort.id)
        .order_by(Cohort.workshop_start.desc())
    )
    if user.role != "admin":
        mine = select(Membership.cohort_id).where(
            Membership.user_id == user.id, Membership.role == "trainer"
        )
        query = query.where(Cohort.id.in_(mine))
    return list(db.session.execute(query).all())


def cohort_detail(cohort: Cohort) -> dict:
    """Members (with their accounts) and invitation codes of one cohort."""
    members = db.session.scalars(
        select(Membership)
        .join(User)
        .where(Membership.cohort_id == cohort.id)
        .order_by(Membership.role.desc(), User.display_name)
    ).all()
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.cohort_id == cohort.id, Invitation.email == "")
        .order_by(Invitation.created_at.desc())
    ).all()
    personal = db.session.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.cohort_id == cohort.id, Invitation.email != ""
        )
    )
    return {"members": members, "invitations": invitations, "personal_invitations": personal}


def upcoming_cohorts(today) -> list[Cohort]:
    return list(
        db.session.scalars(
            select(Cohort).where(Cohort.workshop_end >= today).order_by(Cohort.workshop_start)
        )
    )
