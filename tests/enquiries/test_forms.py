"""The four Get involved forms: stored, acknowledged over real SMTP, spam refused kindly."""

from __future__ import annotations

import re

import pytest
from factories import make_user
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.enquiries.models import Enquiry
from portal.extensions import db
from portal.mail import OutboxMessage, deliver_pending

VALID = {
    "workshop": {
        "name": "Malia Fictional",
        "email": "Malia@Example.test",
        "organisation": "Fictional Ministry of Social Welfare",
        "organisation_type": "national_government",
        "country": "TH",
        "role": "Case worker",
        "message": "I refer people who may have been trafficked and want to do it better.",
    },
    "curriculum": {"name": "Tevita Fictional", "email": "tevita@example.test"},
    "present": {
        "name": "Sione Fictional",
        "email": "sione@example.test",
        "organisation": "Fictional Legal Aid Centre",
        "expertise": "Non-punishment of victims; ten years of casework.",
    },
    "secondment": {
        "name": "Lani Fictional",
        "email": "lani@example.test",
        "country": "ID",
        "agency": "Fictional Directorate of Immigration",
        "duration": "Six months from March",
    },
}
# One required field per form left empty, and what the page says about it.
MISSING = {
    "workshop": "role",
    "curriculum": "name",
    "present": "expertise",
    "secondment": "agency",
}
KINDS = list(VALID)


def count_enquiries() -> int:
    return db.session.scalar(select(func.count(Enquiry.id)))


@pytest.mark.parametrize("kind", KINDS)
def test_form_page_is_public_and_carries_the_spam_checks(visitor, kind):
    page = visitor.form_page(kind)
    assert 'name="website"' in page and 'name="started"' in page
    assert "Leave this field empty" in page


@pytest.mark.parametrize("kind", KINDS)
def test_valid_enquiry_is_stored_acknowledged_and_admins_told(enquiry_app, visitor, kind):
    app, inbox = enquiry_app
    admin = make_user("admin", email="admin-inbox@example.test")
    make_user("trainer", email="trainer-only@example.test")
    response = visitor.send(kind, VALID[kind])
    assert response.status_code == 303
    assert response.headers["Location"] == f"/get-involved/{kind}/thanks"
    thanks = visitor.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "your enquiry is sent" in thanks

    enquiry = db.session.scalar(select(Enquiry))
    assert enquiry.kind == kind and enquiry.status == "new"
    assert enquiry.name == VALID[kind]["name"]
    assert enquiry.email == VALID[kind]["email"].lower()
    assert "enquiry.received" in db.session.scalars(select(AuditEvent.action)).all()

    assert deliver_pending() == (2, 0)
    by_address = {m["To"]: m for m in inbox.messages}
    assert set(by_address) == {enquiry.email, admin.email}  # trainers are not mailed
    ack = by_address[enquiry.email]
    assert f"E-{enquiry.id}" in ack["Subject"]
    body = ack.get_body(("plain",)).get_content()
    assert VALID[kind]["name"] in body
    if kind == "curriculum":
        assert "/curriculum.pdf" in body
    notice = by_address[admin.email].get_body(("plain",)).get_content()
    assert f"/enquiries/{enquiry.id}" in notice
    assert VALID[kind]["email"].lower() not in notice  # the admin mail carries no details


def test_presenter_sessions_are_stored(enquiry_app, visitor):
    from portal.learning.models import CurriculumSession

    db.session.add_all(
        [
            CurriculumSession(number=n, slug=f"s{n}", title=f"Session title {n}", summary="")
            for n in (2, 6)
        ]
    )
    db.session.commit()
    assert "Session title 6" in visitor.form_page("present")
    data = {**VALID["present"], "sessions": ["6", "2"]}
    assert visitor.send("present", data).status_code == 303
    assert db.session.scalar(select(Enquiry.sessions)) == "2,6"


@pytest.mark.parametrize("kind", KINDS)
def test_invalid_input_keeps_what_was_typed(visitor, kind):
    data = {**VALID[kind], MISSING[kind]: "", "email": "not an address"}
    response = visitor.send(kind, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and "This field is required." in page
    assert 'value="not an address"' in page
    for name, value in data.items():
        if name in ("organisation_type", "country"):
            assert re.search(rf'<option selected value="{value}">|value="{value}" selected', page)
        elif value and name not in ("message", "expertise"):
            assert f'value="{value}"' in page, name
        elif value:
            assert value in page, name
    assert count_enquiries() == 0


def test_control_characters_never_reach_a_single_line_field(visitor):
    data = {**VALID["secondment"], "name": "Lani\r\nBcc: someone@example.test"}
    assert visitor.send("secondment", data).status_code == 303
    name = db.session.scalar(select(Enquiry.name))
    assert "\n" not in name and "\r" not in name


@pytest.mark.parametrize("kind", KINDS)
def test_honeypot_is_refused_without_storing(visitor, kind):
    response = visitor.send(kind, {**VALID[kind], "website": "https://spam.example.test/"})
    assert response.status_code == 400
    assert "the last field must stay empty" in response.get_data(as_text=True)
    assert count_enquiries() == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_too_fast_is_refused_without_storing_and_keeps_values(visitor, kind):
    response = visitor.send(kind, VALID[kind], seconds_taken=0)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "faster than a person can fill in the form" in page
    assert f'value="{VALID[kind]["name"]}"' in page
    assert count_enquiries() == 0


def test_forged_start_time_is_refused(visitor):
    page = visitor.form_page("curriculum")
    from factories import csrf_from

    data = {**VALID["curriculum"], "csrf_token": csrf_from(page), "started": "123"}
    response = visitor.client.post("/get-involved/curriculum", data=data)
    assert response.status_code == 400 and count_enquiries() == 0


def test_double_click_stores_once(visitor):
    first = visitor.send("workshop", VALID["workshop"])
    second = visitor.send("workshop", VALID["workshop"])
    assert first.status_code == second.status_code == 303
    assert count_enquiries() == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1  # one ack, no admins


def test_missing_csrf_token_keeps_values(visitor):
    response = visitor.client.post("/get-involved/curriculum", data=VALID["curriculum"])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The form had expired" in page and 'value="Tevita Fictional"' in page
    assert count_enquiries() == 0


def test_unknown_form_is_404(client):
    assert client.get("/get-involved/donate").status_code == 404
    assert client.get("/get-involved/donate/thanks").status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_rate_limit_answers_429_with_a_friendly_page(make_app, kind):
    from conftest import clear_tables

    from enquiries.conftest import Visitor
    from portal.extensions import limiter

    app = make_app(ENQUIRY_LIMIT_PER_ADDRESS="2 per hour")
    with app.app_context():
        limiter.reset()
        visitor = Visitor(app.test_client(), app)
        codes = [
            visitor.send(kind, {**VALID[kind], "email": f"p{i}@example.test"}).status_code
            for i in range(3)
        ]
        assert codes == [303, 303, 429]
        refused = visitor.send(kind, {**VALID[kind], "email": "p9@example.test"})
        page = refused.get_data(as_text=True)
        assert refused.status_code == 429
        assert "Too many enquiries from your connection" in page and "/contact" in page
        assert count_enquiries() == 2
        assert visitor.client.get(f"/get-involved/{kind}").status_code == 200  # reading is free
        limiter.reset()
        clear_tables()
