"""One bad subject line cannot stop all mail (issue 7, item 2)."""

from __future__ import annotations

import pytest
from conftest import Browserless
from factories import PASSWORD, make_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from portal import mail
from portal.accounts.models import User
from portal.cohorts.models import Cohort
from portal.database import utcnow
from portal.extensions import db
from portal.forms import PortalForm, multi_line, single_line
from portal.mail import OutboxMessage, deliver_pending


def _all_form_classes(base=FlaskForm):
    for cls in base.__subclasses__():
        yield cls
        yield from _all_form_classes(cls)


def test_every_form_gets_the_shared_input_hygiene(app):
    forms = [cls for cls in _all_form_classes() if cls is not PortalForm]
    assert len(forms) > 20
    outside = [
        f"{cls.__module__}.{cls.__name__}" for cls in forms if not issubclass(cls, PortalForm)
    ]
    assert outside == []


def test_filters():
    assert single_line("A\r\nB\tC\x00D\x1b\u2028E") == "A B CD E"
    assert multi_line("line one\r\nline two\x00\x07\tend") == "line one\r\nline two\tend"
    assert single_line(None) is None


def test_names_and_cohort_fields_lose_line_breaks(app, trainer):
    web = Browserless(app.test_client())
    web.login(trainer.email)
    response = web.post(
        "/account/profile",
        {"display_name": "Trainer\nTest\x00", "organisation": "Org\r\nX-Evil: 1", "language": "en"},
    )
    assert response.status_code == 303
    user = db.session.get(User, trainer.id)
    assert (user.display_name, user.organisation) == ("Trainer Test", "Org X-Evil: 1")
    response = web.post(
        "/cohorts/new",
        {
            "name": "Bali\r\nSubject: hijack",
            "location": "Fictional\x0bCity",
            "sponsor": "",
            "elearning_opens": "2026-12-01",
            "workshop_start": "2026-12-10",
            "workshop_end": "2026-12-12",
            "alumni_from": "2026-12-13",
        },
    )
    assert response.status_code == 303
    cohort = db.session.scalar(select(Cohort).where(Cohort.name.like("Bali%")))
    assert (cohort.name, cohort.location) == ("Bali Subject: hijack", "Fictional City")


def test_poisoned_subject_does_not_block_the_queue(mail_app):
    app, inbox = mail_app
    # A row written before the form layer cleaned input, or by a path that forgot to.
    mail.enqueue("first@example.test", "Cohort June\nBcc: spy@example.test", "Body one.")
    mail.enqueue("second@example.test", "Reset your password", "Body two.", X_Portal="a\r\nBcc: x")
    db.session.commit()
    assert deliver_pending() == (2, 0)
    subjects = {m["To"]: m["Subject"] for m in inbox.messages}
    assert subjects == {
        "first@example.test": "Cohort June Bcc: spy@example.test",
        "second@example.test": "Reset your password",
    }
    assert all(m["Bcc"] is None for m in inbox.messages)
    assert inbox.messages[1]["X-Portal"] == "a Bcc: x"


def test_a_failing_message_is_isolated_counted_and_given_up(make_app, smtp_server):
    inbox, port = smtp_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_MAX_ATTEMPTS=2)
    with app.app_context():
        db.session.add(
            OutboxMessage(
                to_addr="victim@example.test\r\nBcc: x@example.test", subject="S", body_text="B"
            )
        )
        db.session.commit()
        mail.enqueue("later@example.test", "Your invitation", "Body.")
        db.session.commit()
        assert deliver_pending() == (1, 1)
        assert [m["To"] for m in inbox.messages] == ["later@example.test"]
        bad = db.session.scalar(select(OutboxMessage).where(OutboxMessage.subject == "S"))
        assert bad.status == "pending" and bad.attempts == 1
        assert "recipient" in bad.last_error
        bad.next_attempt_at = utcnow()
        db.session.commit()
        assert deliver_pending() == (0, 1)
        assert db.session.get(OutboxMessage, bad.id).status == "failed"
        assert len(inbox.messages) == 1


@pytest.fixture
def failed_message(app):
    message = mail.enqueue("lost@example.test", "Invitation to June", "SECRET BODY TEXT")
    message.status, message.attempts, message.last_error = "failed", 8, "ValueError: bad header"
    mail.enqueue("fine@example.test", "Delivered fine", "Other body")
    db.session.commit()
    return message


def test_admin_sees_failed_messages_without_bodies(failed_message, as_admin):
    page = as_admin.client.get("/admin/mail")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Invitation to June" in html and "lost@example.test" in html
    assert "ValueError: bad header" in html
    assert "SECRET BODY TEXT" not in html and "Delivered fine" not in html


def test_failed_mail_page_is_for_admins_only(failed_message, app):
    web = Browserless(app.test_client())
    assert web.client.get("/admin/mail").status_code == 302
    staff = make_user("trainer")
    web.login(staff.email, PASSWORD)
    assert web.client.get("/admin/mail").status_code == 403
