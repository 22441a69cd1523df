"""The dashboard's reminder form: a GET writes it without building the WTForms form
(display.reminder_csrf_field, form_alert, reminder_fields); a POST still goes through the
form. These hold what a GET writes to what the form renders, and show the token a GET
writes is the one a POST is checked against."""

from __future__ import annotations

import re

import pytest
from flask import get_template_attribute, render_template_string
from flask_babel import force_locale
from sqlalchemy import select

from portal.extensions import db
from portal.progress.display import form_alert, reminder_csrf_field, reminder_fields
from portal.progress.forms import ReminderForm
from portal.progress.models import Reminder, ReminderTemplate
from portal.progress.services import DEFAULT_BODY, DEFAULT_SUBJECT
from tests.progress.builders import small_curriculum

TEXTS = [
    (DEFAULT_SUBJECT, DEFAULT_BODY),
    ('Rappel: "session" <1> & more', "Hello {name},\n<b>bold</b> & 'quotes'\n\nBye"),
    ("สวัสดี", "\r\nA body that starts with a line break"),
]


def test_the_csrf_field_is_what_the_forms_hidden_tag_writes(app):
    with app.test_request_context():
        written = reminder_csrf_field()
        assert written == ReminderForm().hidden_tag()  # the same request: the same token
    assert re.fullmatch(
        r'<input id="csrf_token" name="csrf_token" type="hidden" value="[\w.-]+">', written
    )
    app.config["WTF_CSRF_ENABLED"] = False  # no CSRF field on the form: nothing written
    with app.test_request_context():
        assert reminder_csrf_field() == ReminderForm().hidden_tag() == ""


@pytest.mark.parametrize("message", ["", "Choose at least one participant.", "A <b> & 'c'"])
def test_the_alert_is_what_the_form_error_macro_writes(app, message):
    with app.test_request_context():
        macro = render_template_string(
            '{% from "_macros/forms.html" import form_error %}{{ form_error(m) }}', m=message
        )
        assert form_alert(message) == macro


@pytest.mark.parametrize("language", ["en", "th", "ur"])
def test_the_fields_of_a_get_are_what_the_field_macro_writes_for_the_form(app, language):
    with app.test_request_context(), force_locale(language):
        field = get_template_attribute("_macros/forms.html", "field")
        for subject, body in TEXTS:
            form = ReminderForm()
            form.subject.data, form.body.data = subject, body
            expected = f"{field(form.subject)}\n{field(form.body)}"
            for _ in range(2):  # written, then kept
                assert reminder_fields(language, subject, body, None) == expected
    assert 'name="subject"' in expected and 'name="body"' in expected


@pytest.fixture
def dashboard(app, web, cohort, trainer, participant):
    small_curriculum()
    db.session.commit()
    web.login(trainer.email)
    return f"/cohorts/{cohort.id}/progress"


def reminder_form_of(page: str) -> str:
    found = re.search(r'<form method="post" action="[^"]*/reminders".*?</form>', page, re.S)
    assert found, "no reminder form on the page"
    return found.group(0)


def test_the_form_of_a_get_is_the_form_a_refused_post_renders(web, dashboard, cohort):
    """The same form, field for field, byte for byte, whether the page was written without
    the WTForms form (a GET) or from it (a post refused with only a message)."""
    template = ReminderTemplate(cohort_id=cohort.id, subject=TEXTS[1][0], body=TEXTS[1][1])
    db.session.add(template)
    db.session.commit()
    page = web.client.get(dashboard).get_data(as_text=True)
    form = reminder_form_of(page)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    assert f'<input id="csrf_token" name="csrf_token" type="hidden" value="{token}">' in form
    names = re.findall(r'<(?:input|textarea)[^>]* name="([^"]+)"', form)
    assert sorted(set(names)) == ["body", "csrf_token", "people", "subject"]
    refused = web.client.post(
        f"/cohorts/{cohort.id}/reminders",
        data={
            "people": ["999999"],
            "subject": TEXTS[1][0],
            "body": TEXTS[1][1],
            "csrf_token": token,
        },
    )
    assert refused.status_code == 400
    again = reminder_form_of(refused.get_data(as_text=True))
    alert = '<p class="alert" role="alert">Choose at least one participant of this cohort.</p>'
    assert alert in again
    posted_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', again).group(1)
    assert again.replace(alert, "").replace(posted_token, token) == form
    assert db.session.scalar(select(Reminder.id)) is None


def test_the_token_a_get_writes_is_accepted_and_a_wrong_one_refused(
    web, dashboard, cohort, participant
):
    form = reminder_form_of(web.client.get(dashboard).get_data(as_text=True))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    data = {"people": [str(participant.id)], "subject": "Your sessions", "body": "Hello {name}"}
    wrong = web.client.post(
        f"/cohorts/{cohort.id}/reminders", data={**data, "csrf_token": token[:-2] + "xx"}
    )
    assert wrong.status_code == 400
    assert db.session.scalar(select(Reminder.id)) is None
    assert db.session.scalar(select(ReminderTemplate.id)) is None
    sent = web.client.post(f"/cohorts/{cohort.id}/reminders", data={**data, "csrf_token": token})
    assert sent.status_code == 303 and sent.headers["Location"] == dashboard
    reminders = db.session.scalars(select(Reminder)).all()
    assert [(r.user_id, r.subject) for r in reminders] == [(participant.id, "Your sessions")]
    # The next GET writes the kept texts into the form, as the WTForms form would.
    form = reminder_form_of(web.client.get(dashboard).get_data(as_text=True))
    assert 'name="subject" required type="text" value="Your sessions"' in form
    assert ">\r\nHello {name}</textarea>" in form
