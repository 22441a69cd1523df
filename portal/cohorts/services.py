"""Cohort use cases; each validates, writes, audits and commits once."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, or_, select, update

from portal import audit, mail
from portal.accounts.models import User
from portal.cohorts.models import Cohort, Invitation, Membership
from portal.countries import countries
from portal.database import utcnow
from portal.extensions import db
from portal.forms import single_line

COHORT_FIELDS = (
    "name",
    "location",
    "sponsor",
    "elearning_opens",
    "workshop_start",
    "workshop_end",
    "alumni_from",
    "time_zone",
    "mastery_threshold",
    "completion_rule",
)
# Unambiguous letters and digits, so a code read aloud in a workshop room is typed right.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class CohortError(Exception):
    """A user-facing reason a cohort use case was refused."""


def find_invitation(code: str) -> Invitation | None:
    """A usable invitation for the code, or None."""
    # Codes are read aloud and copied from mails: any case and surrounding spaces are fine.
    wanted = (code or "").strip().upper()
    invitation = db.session.scalar(select(Invitation).where(func.upper(Invitation.code) == wanted))
    if invitation is None or not invitation.is_usable(utcnow()):
        return None
    return invitation


def claim_use(invitation: Invitation) -> bool:
    """Count one use of the invitation, atomically: of simultaneous sign-ups for the last
    use, the database lets exactly one through (the row stays locked until commit)."""
    now = utcnow()
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.revoked_at.is_(None),
            or_(Invitation.expires_at.is_(None), Invitation.expires_at > now),
            or_(Invitation.max_uses.is_(None), Invitation.uses < Invitation.max_uses),
        )
        .values(uses=Invitation.uses + 1)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def redeem_invitation(user: User, invitation: Invitation) -> Cohort:
    """Enrol a just-created account in the invitation's cohort (the caller commits)."""
    db.session.add(Membership(user_id=user.id, cohort_id=invitation.cohort_id, role="participant"))
    if invitation.email:
        invitation.accepted_at = utcnow()
    return invitation.cohort


def export_memberships(user: User) -> tuple[str, list]:
    """The user's cohorts for their personal-data export."""
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == user.id))
    return "cohorts", [
        {"cohort": m.cohort.name, "role": m.role, "joined_at": m.created_at.isoformat()}
        for m in memberships
    ]


def new_code(length: int = 10) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def create_cohort(actor: User, data: dict) -> Cohort:
    """Create a cohort; a trainer who creates one is enrolled as its trainer."""
    cohort = Cohort(**{k: data[k] for k in COHORT_FIELDS})
    db.session.add(cohort)
    db.session.flush()
    if actor.is_trainer:
        db.session.add(Membership(user_id=actor.id, cohort_id=cohort.id, role="trainer"))
    audit.record("cohort.created", actor=actor, target=cohort)
    db.session.commit()
    return cohort


def update_cohort(actor: User, cohort: Cohort, data: dict) -> None:
    for name in COHORT_FIELDS:
        setattr(cohort, name, data[name])
    audit.record("cohort.updated", actor=actor, target=cohort)
    db.session.commit()


def create_invitation(
    actor: User, cohort: Cohort, max_uses: int | None, valid_days: int
) -> Invitation:
    invitation = Invitation(
        code=new_code(),
        cohort_id=cohort.id,
        created_by_id=actor.id,
        max_uses=max_uses,
        expires_at=utcnow() + timedelta(days=valid_days),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.created", actor=actor, target=cohort, invitation_id=invitation.id)
    db.session.commit()
    return invitation


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit.record("invitation.revoked", actor=actor, target=invitation)
        db.session.commit()


MAX_CSV_BYTES = 1_000_000


@dataclass
class BulkResult:
    invited: int = 0
    problems: list[str] = field(default_factory=list)
    refused: bool = False  # the file as a whole was refused; nothing was stored


def _refuse(result: BulkResult, problem: str) -> BulkResult:
    db.session.rollback()
    result.invited, result.problems, result.refused = 0, [problem], True
    return result


def bulk_invite(actor: User, cohort: Cohort, raw: bytes) -> BulkResult:
    """Personal invitations from a CSV (email, name, country, organisation), mailed out."""
    result = BulkResult()
    if len(raw) > MAX_CSV_BYTES:
        return _refuse(result, "The file is too large: at most 1 MB (about 10,000 people).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _refuse(result, "The file is not UTF-8 text. Save it as 'CSV UTF-8' and retry.")
    reader = csv.DictReader(io.StringIO(text))
    try:
        headers = {h.strip().lower() for h in reader.fieldnames or []}
    except csv.Error:
        return _refuse(result, "Line 1: this line cannot be read as CSV.")
    if "email" not in headers:
        return _refuse(
            result, "The first line must name the columns: email, name, country, organisation."
        )
    try:
        return _invite_rows(actor, cohort, reader, result)
    except csv.Error:
        # The csv module refuses fields over its size limit (and other broken lines).
        return _refuse(
            result,
            f"Line {reader.line_num + 1}: a value is too long or the line is not valid CSV. "
            "Nothing was imported; correct the file and upload it again.",
        )


def _invite_rows(actor: User, cohort: Cohort, reader, result: BulkResult) -> BulkResult:
    codes = {c for c, _ in countries()}
    names = {n.lower(): c for c, n in countries()}
    base = current_app.config["BASE_URL"].rstrip("/")
    seen: set[str] = set()
    for line_no, row in enumerate(reader, start=2):
        row = {
            (k or "").strip().lower(): single_line(v or "").strip()
            for k, v in row.items()
            if isinstance(v, str | None)
        }
        try:
            email = validate_email(row.get("email", ""), check_deliverability=False).normalized
        except EmailNotValidError:
            result.problems.append(
                f"Line {line_no}: '{row.get('email', '')}' is not an e-mail address."
            )
            continue
        email = email.lower()
        if email in seen:
            result.problems.append(f"Line {line_no}: {email} appears twice; invited once.")
            continue
        seen.add(email)
        country = row.get("country", "")
        country = country.upper() if country.upper() in codes else names.get(country.lower(), "")
        invitation = Invitation(
            code=new_code(16),
            cohort_id=cohort.id,
            created_by_id=actor.id,
            max_uses=1,
            expires_at=utcnow() + timedelta(days=60),
            email=email,
            name=row.get("name", "")[:80],
            country=country,
            organisation=row.get("organisation", "")[:160],
        )
        db.session.add(invitation)
        mail_invitation(invitation, cohort, base)
        result.invited += 1
    audit.record("invitation.bulk", actor=actor, target=cohort, invited=result.invited)
    db.session.commit()
    return result


def mail_invitation(invitation: Invitation, cohort: Cohort, base: str) -> None:
    """Queue the personal invitation's mail and remember the message (its state is the truth)."""
    link = base + url_for("accounts.signup", code=invitation.code)
    until = invitation.expires_at.date().isoformat() if invitation.expires_at else ""
    # The invitee has no account yet, so no chosen language: the portal's default.
    message = mail.send(
        None,
        "invitation",
        to_addr=invitation.email,
        invitation=invitation,
        cohort=cohort,
        link=link,
        until=until,
    )
    db.session.flush()
    invitation.outbox_message_id = message.id


def resend_invitation(actor: User, invitation: Invitation) -> None:
    """Queue the personal invitation again (valid 60 more days if it had expired)."""
    if not invitation.email:
        raise CohortError(_("Only personal invitations are sent by e-mail."))
    if invitation.revoked_at is not None or invitation.accepted_at is not None:
        raise CohortError(_("This invitation is revoked or accepted; it is not sent again."))
    now = utcnow()
    if invitation.expires_at is not None and invitation.expires_at <= now:
        invitation.expires_at = now + timedelta(days=60)
    mail_invitation(invitation, invitation.cohort, current_app.config["BASE_URL"].rstrip("/"))
    audit.record("invitation.resent", actor=actor, target=invitation)
    db.session.commit()


def enrol(actor: User, cohort: Cohort, user: User, role: str) -> Membership:
    """Add the user to the cohort with the role, or change their role in it."""
    member = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.cohort_id == cohort.id)
    )
    if member is None:
        member = Membership(user_id=user.id, cohort_id=cohort.id, role=role)
        db.session.add(member)
    else:
        member.role = role
    audit.record("cohort.enrolled", actor=actor, target=cohort, user_id=user.id, role=role)
    db.session.commit()
    return member


def _staff_account(email: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_staff or not user.is_active:
        return None
    return user


def enrol_trainer(actor: User, cohort: Cohort, email: str) -> Membership:
    """Enrol a staff account as the cohort's trainer at once (admins, who see every account)."""
    user = _staff_account(email)
    if user is None:
        raise CohortError(_("No trainer account uses this e-mail address."))
    return enrol(actor, cohort, user, "trainer")


TRAINER_INVITATION_DAYS = 7


def _trainer_invitations() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="cohort-trainer-invitation")


def invite_trainer(actor: User, cohort: Cohort, email: str) -> None:
    """Mail a staff account a link to join the cohort as its trainer; nothing for others.

    The caller answers alike for every address, so a trainer cannot learn from this form
    which addresses belong to staff accounts; the invitee joins by opening the link.
    """
    user = _staff_account(email)
    invited = audit.record("cohort.trainer_invited", actor=actor, target=cohort)
    if user is not None:
        db.session.flush()  # the event's id is the link's nonce (see trainer_invitee_id)
        token = _trainer_invitations().dumps([user.id, cohort.id, invited.id])
        mail.send(
            user,
            "trainer_invitation",
            cohort_name=cohort.name,
            inviter=actor.display_name,
            days=TRAINER_INVITATION_DAYS,
            link=mail.absolute_url("cohorts.trainer_join", cohort_id=cohort.id, token=token),
        )
    db.session.commit()


def trainer_invitation(token: str, cohort: Cohort) -> tuple[int, bool] | None:
    """The account a trainer invitation link for this cohort was made for, and whether the
    link is used up; None for a link that is not this cohort's, tampered with or expired.

    A link is used up once its account has been enrolled in, or removed from, the cohort
    after the invitation was sent: the audit log holds both events, and the link carries
    the id of its invitation's event. So a trainer removed within the seven days cannot
    rejoin with an old link, and a link opened twice enrols once.
    """
    try:
        user_id, cohort_id, invited_id = _trainer_invitations().loads(
            token, max_age=TRAINER_INVITATION_DAYS * 86400
        )
    except (BadData, TypeError, ValueError):
        return None
    if cohort_id != cohort.id or not isinstance(user_id, int) or not isinstance(invited_id, int):
        return None
    later = db.session.scalars(
        select(audit.AuditEvent.detail).where(
            audit.AuditEvent.id > invited_id,
            audit.AuditEvent.action.in_(("cohort.enrolled", "cohort.removed")),
            audit.AuditEvent.target_type == "cohort",
            audit.AuditEvent.target_id == cohort.id,
        )
    )
    return user_id, any((detail or {}).get("user_id") == user_id for detail in later)


def remove_member(actor: User, member: Membership) -> None:
    audit.record("cohort.removed", actor=actor, target=member.cohort, user_id=member.user_id)
    db.session.delete(member)
    db.session.commit()


def set_published(actor: User, cohort: Cohort, is_published: bool) -> None:
    """Publish a draft cohort on the public site, or take it back to draft (admins)."""
    if cohort.is_published == is_published:
        return
    cohort.is_published = is_published
    audit.record(
        "cohort.published" if is_published else "cohort.unpublished", actor=actor, target=cohort
    )
    db.session.commit()
