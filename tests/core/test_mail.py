"""The outbox and its delivery over real SMTP."""

from conftest import free_port
from sqlalchemy import select

from portal import mail
from portal.database import utcnow
from portal.extensions import db
from portal.mail import OutboxMessage, deliver_pending


def test_delivery_sends_and_marks_sent(mail_app):
    app, inbox = mail_app
    mail.enqueue("amara@example.test", "Hello", "Body text for a fictional participant.")
    db.session.commit()
    sent, failed = deliver_pending()
    assert (sent, failed) == (1, 0)
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "amara@example.test" and message["Subject"] == "Hello"
    assert "fictional participant" in message.get_content()
    row = db.session.scalar(select(OutboxMessage))
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    assert deliver_pending() == (0, 0)  # nothing sent twice
    assert len(inbox.messages) == 1


def test_server_down_keeps_mail_and_retries(make_app, smtp_server):
    inbox, port = smtp_server
    down = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    with down.app_context():
        mail.enqueue("ban@example.test", "Later", "Body")
        db.session.commit()
        assert deliver_pending() == (0, 1)
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "pending" and row.attempts == 1 and row.last_error
        assert row.next_attempt_at > utcnow()
        assert deliver_pending() == (0, 0)  # not due yet
        row.next_attempt_at = utcnow()
        db.session.commit()
    up = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with up.app_context():
        assert deliver_pending() == (1, 0)
        assert db.session.scalar(select(OutboxMessage)).status == "sent"
    assert [m["Subject"] for m in inbox.messages] == ["Later"]


def test_gives_up_after_max_attempts(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=2)
    with app.app_context():
        mail.enqueue("ban@example.test", "Never", "Body")
        db.session.commit()
        for _ in range(2):
            deliver_pending()
            row = db.session.scalar(select(OutboxMessage))
            row.next_attempt_at = utcnow()
            db.session.commit()
        assert db.session.scalar(select(OutboxMessage)).status == "failed"


def test_cli_deliver(mail_app):
    app, inbox = mail_app
    mail.enqueue("cli@example.test", "Via CLI", "Body")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "deliver"])
    assert result.exit_code == 0 and "sent 1, failed 0" in result.output
    assert inbox.messages[0]["Subject"] == "Via CLI"
