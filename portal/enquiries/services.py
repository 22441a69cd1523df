"""Enquiry use cases; each validates, writes, audits and commits once."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from portal import audit, mail
from portal.database import utcnow
from portal.enquiries import queries
from portal.enquiries.forms import KIND_LABELS, STATUS_LABELS
from portal.enquiries.models import STATUSES, Enquiry, EnquiryNote
from portal.extensions import db

FIELDS = (
    "name",
    "email",
    "organisation",
    "organisation_type",
    "country",
    "role",
    "message",
    "expertise",
    "agency",
    "duration",
)
# Two submissions of the same kind from one address this close together are one enquiry.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)


class EnquiryError(Exception):
    """A user-facing reason an inbox action was refused."""


def submit(kind: str, data: dict, language: str = "en") -> Enquiry:
    """Store an enquiry, acknowledge it to the sender and tell the admins; once per click."""
    email = data["email"].strip().lower()
    existing = queries.recent_duplicate(kind, email, utcnow() - DOUBLE_SUBMIT_WINDOW)
    if existing is not None:
        return existing
    values = {name: (data.get(name) or "") for name in FIELDS}
    values["email"] = email
    sessions = data.get("sessions") or []
    enquiry = Enquiry(
        kind=kind,
        language=language,
        sessions=",".join(str(n) for n in sorted(set(sessions))),
        **values,
    )
    db.session.add(enquiry)
    db.session.flush()
    mail.send(
        None,
        "enquiry_received",
        to_addr=email,
        language=language,
        enquiry=enquiry,
        kind_label=KIND_LABELS[kind],
        days=current_app.config["ENQUIRY_RETENTION_DAYS"],
    )
    link = mail.absolute_url("enquiries.enquiry_detail", enquiry_id=enquiry.id)
    for address in queries.admin_addresses():
        mail.send(
            None,
            "enquiry_notice",
            to_addr=address,
            enquiry=enquiry,
            kind_label=KIND_LABELS[kind],
            link=link,
        )
    audit.record("enquiry.received", target=enquiry, kind=kind)
    db.session.commit()
    return enquiry


def assign(actor, enquiry: Enquiry, assignee) -> None:
    """Give the enquiry to a staff member (or to nobody)."""
    enquiry.assigned_to_id = assignee.id if assignee is not None else None
    enquiry.updated_at = utcnow()
    name = assignee.display_name if assignee is not None else _("nobody")
    db.session.add(
        EnquiryNote(
            enquiry_id=enquiry.id,
            author_id=actor.id,
            action="assign",
            note=_("Assigned to %(name)s.", name=name),
        )
    )
    audit.record(
        "enquiry.assigned",
        actor=actor,
        target=enquiry,
        assignee_id=assignee.id if assignee is not None else None,
    )
    db.session.commit()


def change_status(actor, enquiry: Enquiry, status: str, note: str = "") -> None:
    """Move the enquiry to a status, keeping the note in its history."""
    if status not in STATUSES:
        raise EnquiryError(_("Choose one of the statuses."))
    previous = enquiry.status
    enquiry.status = status
    enquiry.updated_at = utcnow()
    db.session.add(
        EnquiryNote(
            enquiry_id=enquiry.id,
            author_id=actor.id,
            action="status",
            status=status,
            note=(note or "").strip(),
        )
    )
    audit.record("enquiry.status", actor=actor, target=enquiry, old=previous, new=status)
    db.session.commit()


def reply(actor, enquiry: Enquiry, subject: str, body: str) -> None:
    """E-mail the enquirer through the outbox; the enquiry counts as answered."""
    mail.send(
        None,
        "written",
        to_addr=enquiry.email,
        language=enquiry.language,
        subject=subject,
        text=body.strip(),
    )
    previous = enquiry.status
    if enquiry.status in ("new", "in_progress"):
        enquiry.status = "answered"
    enquiry.updated_at = utcnow()
    db.session.add(
        EnquiryNote(
            enquiry_id=enquiry.id,
            author_id=actor.id,
            action="reply",
            status=enquiry.status,
            note=f"{subject}\n\n{body.strip()}",
        )
    )
    audit.record("enquiry.replied", actor=actor, target=enquiry, old=previous, new=enquiry.status)
    db.session.commit()


def purge(now: datetime, retention_days: int) -> int:
    """Delete enquiries (and their notes) older than the retention period; return how many."""
    cutoff = now - timedelta(days=retention_days)
    old = select(Enquiry.id).where(Enquiry.created_at < cutoff)
    db.session.execute(delete(EnquiryNote).where(EnquiryNote.enquiry_id.in_(old)))
    count = db.session.execute(delete(Enquiry).where(Enquiry.created_at < cutoff)).rowcount
    audit.record("enquiry.purged", count=count, retention_days=retention_days)
    db.session.commit()
    return count


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))
