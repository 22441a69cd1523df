"""Reminders: chosen on the dashboard, queued in the outbox, delivered, recorded per person."""

from __future__ import annotations

import pytest
from conftest import Browserless
from factories import enrol, make_cohort, make_user
from sqlalchemy import select

from portal.extensions import db
from portal.mail import OutboxMessage, deliver_pending
from portal.progress.models import Reminder, ReminderTemplate
from tests.progress.builders import small_curriculum


@pytest.fixture
def setting(mail_app):
    app, inbox = mail_app
    small_curriculum()
    cohort = make_cohort("Reminder workshop (fictional)")
    trainer = make_user("trainer", display_name="Reminding Trainer")
    enrol(trainer, cohort, "trainer")
    late = make_user(display_name="Late Made-up", email="late@example.test")
    enrol(late, cohort)
    outsider = make_user(display_name="Outsider Made-up")
    enrol(outsider, make_cohort("Elsewhere (fictional)"))
    db.session.commit()
    web = Browserless(app.test_client())
    web.login(trainer.email)
    return app, inbox, web, cohort, late, outsider


def test_trainer_sends_an_edited_reminder_that_is_delivered_and_recorded(setting):
    app, inbox, web, cohort, late, outsider = setting
    dashboard = web.client.get(f"/cohorts/{cohort.id}/progress").get_data(as_text=True)
    assert f'value="{late.id}"' in dashboard and "Late Made-up" in dashboard
    response = web.post(
        f"/cohorts/{cohort.id}/reminders",
        {
            "people": [str(late.id), str(outsider.id)],
            "subject": "Session 1 is waiting",
            "body": "Hello {name}, the sessions of {cohort} are open.",
        },
        token_from=f"/cohorts/{cohort.id}/progress",
    )
    assert response.status_code == 303
    again = web.post(  # a double-click: the same reminder is not queued twice
        f"/cohorts/{cohort.id}/reminders",
        {"people": [str(late.id)], "subject": "Session 1 is waiting", "body": "Hello {name}"},
        token_from=f"/cohorts/{cohort.id}/progress",
    )
    assert again.status_code == 303
    reminders = db.session.scalars(select(Reminder)).all()
    assert [(r.user_id, r.subject) for r in reminders] == [(late.id, "Session 1 is waiting")]
    assert db.session.scalar(select(OutboxMessage.to_addr)) == "late@example.test"
    assert deliver_pending() == (1, 0)
    message = inbox.messages[0]
    assert message["Subject"] == "Session 1 is waiting"
    assert "Hello Late Made-up, the sessions of Reminder workshop (fictional) are open." in (
        message.get_body(("plain",)).get_content()
    )
    template = db.session.scalar(select(ReminderTemplate))
    assert template.body == "Hello {name}"  # the last text sent is kept for next time
    detail = web.client.get(f"/cohorts/{cohort.id}/progress/{late.id}").get_data(as_text=True)
    assert "Session 1 is waiting" in detail


def test_no_one_chosen_keeps_what_was_typed(setting):
    _app, _inbox, web, cohort, _late, _outsider = setting
    response = web.post(
        f"/cohorts/{cohort.id}/reminders",
        {"subject": "Kept subject", "body": "Kept body text"},
        token_from=f"/cohorts/{cohort.id}/progress",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose at least one participant." in page
    assert 'value="Kept subject"' in page and "Kept body text" in page
    assert db.session.scalar(select(Reminder.id)) is None


def test_reminders_need_csrf_and_the_cohort(setting):
    _app, _inbox, web, cohort, late, _outsider = setting
    missing = web.client.post(
        f"/cohorts/{cohort.id}/reminders",
        data={"people": [str(late.id)], "subject": "S", "body": "B"},
    )
    assert missing.status_code == 400
    other = make_cohort("Not mine (fictional)")
    db.session.commit()
    refused = web.post(
        f"/cohorts/{other.id}/reminders",
        {"people": [str(late.id)], "subject": "S", "body": "B"},
        token_from=f"/cohorts/{cohort.id}/progress",
    )
    assert refused.status_code == 404
    assert db.session.scalar(select(Reminder.id)) is None
