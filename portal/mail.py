"""The outbox: mail is stored first and delivered later by `flask mail deliver`."""

from __future__ import annotations

import logging
import re
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2_fragments.flask import render_block
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.extensions import db

log = logging.getLogger(__name__)


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    headers: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(300), default="")


def enqueue(
    to_addr: str, subject: str, body_text: str, body_html: str = "", **headers: str
) -> OutboxMessage:
    """Add a message to the outbox; the caller's service commits it."""
    message = OutboxMessage(
        to_addr=to_addr,
        subject=header_value(subject)[:200],
        body_text=body_text,
        body_html=body_html,
        headers="\n".join(f"{k.replace('_', '-')}: {header_value(v)}" for k, v in headers.items()),
    )
    db.session.add(message)
    return message


def absolute_url(endpoint: str, _anchor: str = "", **values) -> str:
    """An absolute link for an e-mail (BASE_URL and the route's path); works inside and
    outside a request (the CLI sends digests and reminders)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}{path}" + (f"#{_anchor}" if _anchor else "")


def render_mail(name: str, language: str | None = None, **context) -> tuple[str, str, str]:
    """(subject, text, html) of templates/mail/<name>.txt (blocks `subject` and `body`) and
    <name>.html, rendered in the recipient's language (the default when they chose none)."""
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = render_block(f"mail/{name}.txt", "subject", **context)
        text = render_block(f"mail/{name}.txt", "body", **context)
        html = render_template(f"mail/{name}.html", **context)
    return header_value(subject), text.strip() + "\n", html


def send(
    user, name: str, to_addr: str | None = None, language: str | None = None, **context
) -> OutboxMessage:
    """Queue the templated mail `name` for the user, in their language (or `language` for
    someone without an account); `headers` (a dict) adds extra headers. The caller's
    service commits."""
    headers = context.pop("headers", {})
    language = language or getattr(user, "language", None)
    subject, text, html = render_mail(name, language, user=user, **context)
    return enqueue(to_addr or user.email, subject, text, html, **headers)


class UndeliverableMessage(ValueError):
    """A stored message that cannot be turned into a safe e-mail."""


_HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
_HEADER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,60}")


def header_value(value: str) -> str:
    """One line, whatever the caller passed: control characters become single spaces."""
    return " ".join(_HEADER_BREAKS.sub(" ", str(value)).split())


def _build(message: OutboxMessage) -> EmailMessage:
    """The e-mail for a stored message; user text never adds or breaks a header."""
    if _HEADER_BREAKS.search(message.to_addr) or "@" not in message.to_addr:
        raise UndeliverableMessage("invalid recipient address")
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_addr
    email["Subject"] = header_value(message.subject)
    email["Message-ID"] = make_msgid(domain="vca-portal.invalid")
    for line in filter(None, message.headers.split("\n")):
        name, _, value = line.partition(": ")
        if _HEADER_NAME.fullmatch(name) and name.lower() not in _FIXED_HEADERS:
            email[name] = header_value(value)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


# Headers the portal sets itself; a stored extra header never replaces or adds to them.
_FIXED_HEADERS = {"from", "to", "cc", "bcc", "subject", "message-id", "sender", "reply-to"}


def retry_delay(attempts: int) -> timedelta:
    """Back off 1, 2, 4 … minutes, at most six hours, between attempts."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


# A claimed message is hidden from other workers this long; if its worker dies before
# recording the outcome, it becomes due again afterwards (sent at least once, never lost).
CLAIM_SECONDS = 600


def claim_due(limit: int) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this worker, in one short transaction.

    On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED, so workers running at
    the same time each take different messages; on SQLite the transaction holds the write
    lock (BEGIN IMMEDIATE), which serialises claims. Either way a claimed message's next
    attempt moves past the claim period, so no other worker picks it up meanwhile.
    """
    now = utcnow()
    due = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for message in due:
        message.next_attempt_at = now + timedelta(seconds=CLAIM_SECONDS)
    db.session.commit()
    return due


def deliver_pending(limit: int = 200) -> tuple[int, int]:
    """Send due messages over SMTP; return (sent, failed this round). Nothing is lost."""
    config = current_app.config
    if config.get("MAIL_BACKEND") == "file":
        return deliver_to_files(limit)
    due = claim_due(limit)
    sent = failed = 0
    if not due:
        return sent, failed
    smtp = None
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except (OSError, smtplib.SMTPException) as exc:
        smtp = None
        connect_error = type(exc).__name__
    for message in due:
        message.attempts += 1
        try:
            if smtp is None:
                raise ConnectionError(connect_error)
            smtp.send_message(_build(message))
        except Exception as exc:  # noqa: BLE001 - one bad message must never stop the queue
            if not isinstance(exc, OSError | smtplib.SMTPException | ValueError):
                log.exception("mail delivery: message %d failed unexpectedly", message.id)
            failed += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:300]
            if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                message.status = "failed"
            else:
                message.next_attempt_at = utcnow() + retry_delay(message.attempts)
        else:
            sent += 1
            message.status = "sent"
            message.sent_at = utcnow()
            message.last_error = ""
        db.session.commit()
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    log.info("mail delivery: %d sent, %d failed", sent, failed)
    return sent, failed


# --------------------------------------------------------------------------- development sink


def mail_folder() -> Path:
    """Where the file backend writes: MAIL_DIR, else instance/mail/."""
    folder = current_app.config.get("MAIL_DIR") or Path(current_app.instance_path) / "mail"
    return Path(folder)


def deliver_to_files(limit: int = 200) -> tuple[int, int]:
    """Write each due message as an .eml file (MAIL_BACKEND=file, the development default).

    The file name holds the time and the message id, never an address, so the log line that
    names it carries no personal data.
    """
    due = claim_due(limit)
    folder = mail_folder()
    folder.mkdir(parents=True, exist_ok=True)
    sent = 0
    for message in due:
        message.attempts += 1
        path = folder / f"{utcnow():%Y%m%d-%H%M%S}-{message.id:06d}.eml"
        path.write_bytes(bytes(_build(message)))
        message.status = "sent"
        message.sent_at = utcnow()
        message.last_error = ""
        db.session.commit()
        sent += 1
        log.info("mail written to %s", path)
    db.session.commit()
    return sent, 0
