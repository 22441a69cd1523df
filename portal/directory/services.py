"""Directory use cases; each validates, writes, audits and commits once."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from portal import audit, mail
from portal.database import utcnow
from portal.directory import queries
from portal.directory.models import PILLARS, DirectMessage, DirectoryEntry, MessageBlock
from portal.discussion.services import NeedsConfirmation, check_identifiers, normalise_body
from portal.extensions import db
from portal.markdown import render_markdown

__all__ = ["DirectoryError", "NeedsConfirmation", "RateLimited"]

MIN_SECONDS_BETWEEN_MESSAGES = 20
MAX_MESSAGES_PER_DAY = 20
NEW_ACCOUNT_PERIOD = timedelta(hours=24)
NEW_ACCOUNT_MAX_MESSAGES = 5


class DirectoryError(Exception):
    """A user-facing reason a directory use case was refused."""


class RateLimited(DirectoryError):
    """Too many messages in a short time."""


class Refused(DirectoryError):
    """The recipient does not accept messages from the sender."""


def save_entry(user, display_name, country, organisation, organisation_type, pillars) -> None:
    """List the user in the directory with exactly these details (or update them)."""
    entry = queries.entry_of(user.id)
    is_new = entry is None
    if is_new:
        entry = DirectoryEntry(user_id=user.id)
        db.session.add(entry)
    entry.display_name = display_name
    entry.country = country
    entry.organisation = organisation or ""
    entry.organisation_type = organisation_type
    chosen = [p for p in PILLARS if p in (pillars or [])]
    entry.pillars = f",{','.join(chosen)}," if chosen else ""
    entry.updated_at = utcnow()
    audit.record("directory.listed" if is_new else "directory.updated", actor=user)
    try:
        db.session.commit()
    except IntegrityError:  # a second click raced the first: the entry exists now
        db.session.rollback()


def remove_entry(user) -> None:
    """Take the user out of the directory (idempotent)."""
    if db.session.execute(delete(DirectoryEntry).where(DirectoryEntry.user_id == user.id)).rowcount:
        audit.record("directory.unlisted", actor=user)
    db.session.commit()


def may_write_to(sender, recipient) -> bool:
    """The recipient is listed, or has written to the sender before (so a reply is possible)."""
    if recipient is None or recipient.id == sender.id:
        return False
    return queries.listed_entry(recipient.id) is not None or queries.has_written_to(
        recipient.id, sender.id
    )


def check_rate(sender) -> None:
    """One message per 20 seconds and 20 a day (5 on an account's first day), counted in
    the database so every worker agrees."""
    now = utcnow()
    if queries.messages_since(sender.id, now - timedelta(seconds=MIN_SECONDS_BETWEEN_MESSAGES)):
        raise RateLimited(
            "Please wait a little between messages. Your text is still in the box below."
        )
    daily = NEW_ACCOUNT_MAX_MESSAGES if sender.created_at > now - NEW_ACCOUNT_PERIOD else None
    if queries.messages_since(sender.id, now - timedelta(days=1)) >= (
        daily or MAX_MESSAGES_PER_DAY
    ):
        raise RateLimited(
            "You have sent the most messages allowed in one day. Please come back tomorrow; "
            "your text is still in the box below."
        )


def send(sender, recipient, body: str, token: str | None, confirm: str | None, link: str):
    """Store the message and e-mail it to the recipient without either address."""
    if token:
        existing = queries.message_by_token(sender.id, token)
        if existing is not None:
            return existing  # a repeated click
    body = normalise_body(body)
    if not body:
        raise DirectoryError(_("Write something first."))
    if queries.is_blocked(recipient.id, sender.id):
        raise Refused(_("This person does not accept messages from you."))
    check_rate(sender)
    check_identifiers(sender, body, confirm)
    message = DirectMessage(
        sender_id=sender.id,
        recipient_id=recipient.id,
        body=body,
        body_html=str(render_markdown(body)),
        client_token=token or None,
    )
    db.session.add(message)
    db.session.flush()
    mail.send(
        recipient,
        "direct_message",
        sender=sender,
        body=body,
        body_html=Markup(message.body_html),
        link=link,
    )
    audit.record("directory.message_sent", actor=sender, target=message)
    try:
        db.session.commit()
    except IntegrityError:  # the same token raced in from a second request
        db.session.rollback()
        return queries.message_by_token(sender.id, token)
    return message


def mark_read(user, other_id: int) -> None:
    """Mark the messages from `other_id` to the user as read."""
    result = db.session.execute(
        update(DirectMessage)
        .where(
            DirectMessage.recipient_id == user.id,
            DirectMessage.sender_id == other_id,
            DirectMessage.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    if result.rowcount:
        db.session.commit()
    else:
        db.session.rollback()


def block(user, other) -> None:
    """The user receives no more messages from `other` (idempotent)."""
    if not queries.is_blocked(user.id, other.id):
        db.session.add(MessageBlock(blocker_id=user.id, blocked_id=other.id))
        audit.record("directory.blocked", actor=user, blocked=other.id)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def unblock(user, other) -> None:
    result = db.session.execute(
        delete(MessageBlock).where(
            MessageBlock.blocker_id == user.id, MessageBlock.blocked_id == other.id
        )
    )
    if result.rowcount:
        audit.record("directory.unblocked", actor=user, blocked=other.id)
    db.session.commit()


def export_directory(user) -> tuple[str, object]:
    """The user's directory entry and the messages they sent, for the personal-data export."""
    entry = queries.entry_of(user.id)
    sent = db.session.scalars(
        select(DirectMessage).where(DirectMessage.sender_id == user.id).order_by(DirectMessage.id)
    ).all()
    return "directory", {
        "entry": None
        if entry is None
        else {
            "display_name": entry.display_name,
            "country": entry.country,
            "organisation": entry.organisation,
            "organisation_type": entry.organisation_type,
            "pillars": entry.pillar_list,
        },
        "messages_sent": [{"created_at": m.created_at.isoformat(), "body": m.body} for m in sent],
    }


def erase_directory(user) -> None:
    """On account deletion: leave the directory; the caller commits."""
    db.session.execute(delete(DirectoryEntry).where(DirectoryEntry.user_id == user.id))
