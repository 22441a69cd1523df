"""The enquiries inbox: who sees what, filters, assignment, status, replies, CSV, purge."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from conftest import Browserless
from factories import make_user
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.database import utcnow
from portal.enquiries.models import Enquiry, EnquiryNote
from portal.extensions import db
from portal.mail import OutboxMessage, deliver_pending


def make_enquiry(kind: str = "workshop", **fields) -> Enquiry:
    values = {
        "kind": kind,
        "name": f"Fictional {kind} enquirer",
        "email": f"{kind}@example.test",
        "organisation": "Fictional Office",
        "message": "A fictional message.",
    }
    values.update(fields)
    enquiry = Enquiry(**values)
    db.session.add(enquiry)
    db.session.commit()
    return enquiry


@pytest.fixture
def enquiries(app):
    return {
        kind: make_enquiry(kind) for kind in ("workshop", "curriculum", "present", "secondment")
    }


PERSONAS = ("visitor", "participant", "trainer", "admin")


@pytest.fixture
def as_persona(request, web, participant, trainer, admin):
    def _as(persona: str) -> Browserless:
        if persona != "visitor":
            web.login(
                {"participant": participant, "trainer": trainer, "admin": admin}[persona].email
            )
        return web

    return _as


def _request(web: Browserless, method: str, path: str):
    if method == "GET":
        return web.client.get(path)
    data = {
        "assign-assignee": "0",
        "status-status": "in_progress",
        "reply-subject": "About your enquiry",
        "reply-body": "A fictional answer.",
    }
    token = web.token("/get-involved/curriculum")
    prefix = path.rsplit("/", 1)[-1]
    data[f"{prefix}-csrf_token"] = token
    data["csrf_token"] = token
    return web.client.post(path, data=data)


LIST_ROUTES = [("GET", "/enquiries"), ("GET", "/enquiries/export.csv")]
ID_ROUTES = [
    ("GET", "/enquiries/{id}"),
    ("POST", "/enquiries/{id}/assign"),
    ("POST", "/enquiries/{id}/status"),
    ("POST", "/enquiries/{id}/reply"),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method,path", LIST_ROUTES)
def test_list_routes_matrix(as_persona, enquiries, persona, method, path):
    web = as_persona(persona)
    response = _request(web, method, path)
    expected = {"visitor": 302, "participant": 404, "trainer": 200, "admin": 200}[persona]
    assert response.status_code == expected
    if persona == "visitor":
        assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", ["workshop", "curriculum", "present", "secondment", "missing"])
@pytest.mark.parametrize("method,path", ID_ROUTES)
def test_enquiry_routes_matrix(as_persona, enquiries, persona, kind, method, path):
    web = as_persona(persona)
    enquiry_id = enquiries[kind].id if kind != "missing" else 999_999
    response = _request(web, method, path.format(id=enquiry_id))
    allowed = (persona == "admin" and kind != "missing") or (
        persona == "trainer" and kind in ("workshop", "present")
    )
    if persona == "visitor":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    elif allowed:
        assert response.status_code == (200 if method == "GET" else 303)
    else:
        assert response.status_code == 404


def test_trainer_list_and_export_show_only_workshop_and_presenter(as_trainer, enquiries):
    page = as_trainer.client.get("/enquiries").get_data(as_text=True)
    assert f"E-{enquiries['workshop'].id}" in page and f"E-{enquiries['present'].id}" in page
    assert f"E-{enquiries['curriculum'].id}<" not in page
    assert f"E-{enquiries['secondment'].id}<" not in page
    exported = as_trainer.client.get("/enquiries/export.csv").get_data(as_text=True)
    kinds = {row["kind"] for row in csv.DictReader(io.StringIO(exported))}
    assert kinds == {"workshop", "present"}
    # A trainer cannot widen the filter to kinds they do not handle.
    page = as_trainer.client.get("/enquiries?kind=secondment").get_data(as_text=True)
    assert f"E-{enquiries['secondment'].id}<" not in page


def test_admin_filters_by_type_and_status(as_admin, enquiries):
    enquiries["present"].status = "answered"
    db.session.commit()
    page = as_admin.client.get("/enquiries?kind=present&status=answered").get_data(as_text=True)
    assert "1 enquiry" in page and f"E-{enquiries['present'].id}<" in page
    page = as_admin.client.get("/enquiries?status=new").get_data(as_text=True)
    assert "3 enquiries" in page and f"E-{enquiries['present'].id}<" not in page


def test_filter_rows_come_as_a_fragment_for_htmx(as_admin, enquiries):
    response = as_admin.client.get("/enquiries?kind=workshop", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in body and f"E-{enquiries['workshop'].id}<" in body
    assert len(response.get_data()) <= 5 * 1024


def test_assign_status_and_history_are_audited(as_admin, admin, trainer, enquiries):
    enquiry = enquiries["workshop"]
    page = as_admin.client.get(f"/enquiries/{enquiry.id}").get_data(as_text=True)
    assert "Trainer Test" in page  # a trainer may take workshop enquiries
    token = as_admin.token(f"/enquiries/{enquiry.id}")
    response = as_admin.client.post(
        f"/enquiries/{enquiry.id}/assign",
        data={"assign-csrf_token": token, "assign-assignee": str(trainer.id)},
    )
    assert response.status_code == 303
    response = as_admin.client.post(
        f"/enquiries/{enquiry.id}/status",
        data={
            "status-csrf_token": token,
            "status-status": "in_progress",
            "status-note": "Called the ministry; waiting for the nomination letter.",
        },
    )
    assert response.status_code == 303
    db.session.refresh(enquiry)
    assert enquiry.assigned_to_id == trainer.id and enquiry.status == "in_progress"
    page = as_admin.client.get(f"/enquiries/{enquiry.id}").get_data(as_text=True)
    assert "waiting for the nomination letter" in page and "status set to In progress" in page
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id).where(AuditEvent.target_id == enquiry.id)
    ).all()
    assert ("enquiry.assigned", admin.id) in events and ("enquiry.status", admin.id) in events


def test_curriculum_enquiry_cannot_be_assigned_to_a_trainer(as_admin, trainer, enquiries):
    enquiry = enquiries["curriculum"]
    token = as_admin.token(f"/enquiries/{enquiry.id}")
    response = as_admin.client.post(
        f"/enquiries/{enquiry.id}/assign",
        data={"assign-csrf_token": token, "assign-assignee": str(trainer.id)},
    )
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(enquiry)
    assert enquiry.assigned_to_id is None


def test_invalid_status_keeps_the_note(as_admin, enquiries):
    enquiry = enquiries["present"]
    token = as_admin.token(f"/enquiries/{enquiry.id}")
    response = as_admin.client.post(
        f"/enquiries/{enquiry.id}/status",
        data={"status-csrf_token": token, "status-status": "lost", "status-note": "Kept text"},
    )
    assert response.status_code == 400
    assert "Kept text" in response.get_data(as_text=True)
    db.session.refresh(enquiry)
    assert enquiry.status == "new"


def test_reply_goes_out_by_email_and_marks_answered(make_app, smtp_server):
    from conftest import clear_tables

    inbox, port = smtp_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        admin = make_user("admin")
        enquiry = make_enquiry("secondment", email="lani@example.test")
        web = Browserless(app.test_client())
        web.login(admin.email)
        token = web.token(f"/enquiries/{enquiry.id}")
        response = web.client.post(
            f"/enquiries/{enquiry.id}/reply",
            data={
                "reply-csrf_token": token,
                "reply-subject": "Your secondment offer",
                "reply-body": "Thank you. Could we speak next week?",
            },
        )
        assert response.status_code == 303
        assert deliver_pending() == (1, 0)
        message = inbox.messages[0]
        assert message["To"] == "lani@example.test"
        assert message["Subject"] == "Your secondment offer"
        assert "Could we speak next week?" in message.get_body(("plain",)).get_content()
        db.session.refresh(enquiry)
        assert enquiry.status == "answered"
        note = db.session.scalar(select(EnquiryNote))
        assert note.action == "reply" and "speak next week" in note.note
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "enquiry.replied")
        )
        clear_tables()


def test_empty_reply_is_refused_and_nothing_sent(as_admin, enquiries):
    enquiry = enquiries["workshop"]
    token = as_admin.token(f"/enquiries/{enquiry.id}")
    response = as_admin.client.post(
        f"/enquiries/{enquiry.id}/reply",
        data={"reply-csrf_token": token, "reply-subject": "Hello", "reply-body": ""},
    )
    assert response.status_code == 400
    assert 'value="Hello"' in response.get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_csv_export_is_formula_safe(as_admin):
    make_enquiry(
        "workshop",
        name='=HYPERLINK("http://evil.example.test")',
        organisation="+1 Fictional",
        message="@SUM(A1)",
        role="-2",
    )
    response = as_admin.client.get("/enquiries/export.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == '\'=HYPERLINK("http://evil.example.test")'
    assert row["organisation"] == "'+1 Fictional"
    assert row["message"] == "'@SUM(A1)" and row["role"] == "'-2"
    assert row["email"] == "workshop@example.test"


def test_purge_deletes_only_enquiries_past_retention(make_app):
    from conftest import clear_tables

    app = make_app(ENQUIRY_RETENTION_DAYS=30)
    with app.app_context():
        old = make_enquiry("workshop", created_at=utcnow() - timedelta(days=31))
        db.session.add(EnquiryNote(enquiry_id=old.id, action="status", note="old note"))
        recent = make_enquiry("present", created_at=utcnow() - timedelta(days=29))
        old_id, recent_id = old.id, recent.id
        result = app.test_cli_runner().invoke(args=["enquiries", "purge"])
        assert result.exit_code == 0, result.output
        assert "1 enquiries older than 30 days deleted" in result.output
        db.session.expire_all()
        assert db.session.get(Enquiry, old_id) is None
        assert db.session.get(Enquiry, recent_id) is not None
        assert db.session.scalar(select(EnquiryNote.id)) is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "enquiry.purged"))
        assert event.detail == {"count": 1, "retention_days": 30}
        clear_tables()


def test_nav_shows_enquiries_to_staff_only(as_participant):
    assert 'href="/enquiries"' not in as_participant.client.get("/").get_data(as_text=True)


def test_nav_shows_enquiries_to_trainers(as_trainer):
    assert 'href="/enquiries"' in as_trainer.client.get("/").get_data(as_text=True)
