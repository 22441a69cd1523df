"""Cohort reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cohorts.models import Cohort, Invitation, Membership
from portal.cohorts.permissions import managed_cohorts
from portal.database import utcnow
from portal.extensions import db
from portal.mail import OutboxMessage


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
        .where(managed_cohorts(user))
        .order_by(Cohort.workshop_start.desc())
    )
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
    personal = personal_invitations(cohort)
    return {"members": members, "invitations": invitations, "personal_invitations": personal}


@dataclass(frozen=True)
class PersonalInvitation:
    """A personal invitation as the cohort page lists it: its state and since when."""

    invitation: Invitation
    status: str  # queued, sent, failed, accepted, expired, revoked, unknown
    when: datetime | None

    @property
    def can_resend(self) -> bool:
        return self.status in ("queued", "sent", "failed", "expired", "unknown")

    @property
    def can_revoke(self) -> bool:
        return self.status not in ("accepted", "revoked")


def invitation_status(
    invitation: Invitation, message: OutboxMessage | None, now: datetime
) -> tuple[str, datetime | None]:
    """The truth about one personal invitation: acceptance and revocation first, then expiry,
    then the delivery state of its latest message ("queued" until the worker has sent it)."""
    if invitation.accepted_at is not None:
        return "accepted", invitation.accepted_at
    if invitation.revoked_at is not None:
        return "revoked", invitation.revoked_at
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return "expired", invitation.expires_at
    if message is None:
        return "unknown", invitation.created_at
    if message.status == "sent":
        return "sent", message.sent_at
    if message.status == "failed":
        return "failed", message.next_attempt_at
    return "queued", message.created_at


def personal_invitations(cohort: Cohort) -> list[PersonalInvitation]:
    """The cohort's personal invitations, newest first, with their state (one statement)."""
    rows = db.session.execute(
        select(Invitation, OutboxMessage)
        .outerjoin(OutboxMessage, OutboxMessage.id == Invitation.outbox_message_id)
        .where(Invitation.cohort_id == cohort.id, Invitation.email != "")
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).all()
    now = utcnow()
    return [PersonalInvitation(i, *invitation_status(i, m, now)) for i, m in rows]
