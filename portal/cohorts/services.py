"""Cohort use cases; each validates, writes, audits and commits once."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from sqlalchemy import select

from portal import audit, mail
from portal.accounts.models import User
from portal.cohorts.models import Cohort, Invitation, Membership
from portal.countries import countries
from portal.database import utcnow
from portal.extensions import db

COHORT_FIELDS = (
    "name",
    "location",
    "sponsor",
    "elearning_opens",
    "workshop_start",
    "workshop_end",
    "alumni_from",
)
# Unambiguous letters and digits, so a code read aloud in a workshop room is typed right.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class CohortError(Exception):
    """A user-facing reason a cohort use case was refused."""


def new_code(length: int = 10) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def create_cohort(actor: User, data: dict) -> Cohort:
    """Create a cohort; a trainer who creates one is enrolled as its trainer."""
    cohort = Cohort(**{k: data[k] for k in COHORT_FIELDS})
    db.session.add(cohort)
    db.session.flush()
    if actor.role == "trainer":
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


@dataclass
class BulkResult:
    invited: int = 0
    problems: list[str] = field(default_factory=list)


def bulk_invite(actor: User, cohort: Cohort, raw: bytes) -> BulkResult:
    """Personal invitations from a CSV (email, name, country, organisation), mailed out."""
    result = BulkResult()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append("The file is not UTF-8 text. Save it as 'CSV UTF-8' and retry.")
        return result
    reader = csv.DictReader(io.StringIO(text))
    headers = {h.strip().lower() for h in reader.fieldnames or []}
    if "email" not in headers:
        result.problems.append(
            "The first line must name the columns: email, name, country, organisation."
        )
        return result
    codes = {c for c, _ in countries()}
    names = {n.lower(): c for c, n in countries()}
    base = current_app.config["BASE_URL"].rstrip("/")
    seen: set[str] = set()
    for line_no, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
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
        link = base + url_for("accounts.signup", code=invitation.code)
        mail.enqueue(
            email,
            f"Your invitation to the VCA Portal: {cohort.name}",
            f"Hello {invitation.name or ''},\n\n"
            f"You are invited to take part in {cohort.name} of the training programme on a "
            "victim-centred approach to trafficking in persons.\n\n"
            f"Create your account here (the link works for 60 days):\n\n{link}\n\n"
            f"Your invitation code is {invitation.code}.\n",
        )
        result.invited += 1
    audit.record("invitation.bulk", actor=actor, target=cohort, invited=result.invited)
    db.session.commit()
    return result


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


def enrol_trainer(actor: User, cohort: Cohort, email: str) -> Membership:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or user.role not in ("trainer", "admin") or not user.is_active:
        raise CohortError("No trainer account uses this e-mail address.")
    return enrol(actor, cohort, user, "trainer")


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
