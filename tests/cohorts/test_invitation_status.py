"""Invitations that say the truth: each personal invitation's state, resend and revoke; codes
are accepted whatever their case and surrounding spaces."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from conftest import Browserless, free_port
from factories import finish_signup, make_cohort, make_invitation
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.cohorts.models import Invitation
from portal.database import utcnow
from portal.extensions import db
from portal.i18n.languages import when
from portal.mail import OutboxMessage, deliver_pending

CSV = (
    "email,name,country,organisation\n"
    "lin.fictional@example.test,Lin,TH,Fictional Shelter\n"
    "arun.fictional@example.test,Arun,NP,Fictional Union\n"
)
SIGNUP = {
    "display_name": "Lin",
    "country": "TH",
    "organisation": "Fictional Shelter",
    "organisation_type": "ngo",
    "password": "mango river lantern 42",
    "confirm": "mango river lantern 42",
}


def shown(value) -> str:
    """A time as the English page writes it (Babel), spaces as the row text has them."""
    return " ".join(when(value).split())


def invite(as_trainer, cohort) -> list[Invitation]:
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/invite-csv",
        {"file": (BytesIO(CSV.encode()), "invites.csv")},
        content_type="multipart/form-data",
    )
    assert "2 invitations queued." in response.get_data(as_text=True)
    return db.session.scalars(select(Invitation).order_by(Invitation.id)).all()


def row_of(page: str, email: str) -> str:
    """The table row of the personal invitation for this address, tags removed."""
    match = re.search(r"<tr>\s*<td>" + re.escape(email) + r"</td>(.*?)</tr>", page, re.S)
    assert match, f"no row for {email}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def cohort_page(as_trainer, cohort) -> str:
    return as_trainer.client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def deliver_with(make_app, port: int, **settings) -> tuple[int, int]:
    db.session.commit()  # end the test's transaction, as a separate worker process would see it
    worker = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, **settings)
    with worker.app_context():
        result = deliver_pending()
    db.session.expire_all()
    return result


def test_queued_until_the_worker_sends_then_sent_then_accepted(
    as_trainer, cohort, make_app, smtp_server
):
    inbox, port = smtp_server
    lin, arun = invite(as_trainer, cohort)
    page = cohort_page(as_trainer, cohort)
    assert "Personal invitations" in page
    for email in (lin.email, arun.email):
        assert (
            row_of(page, email)
            .split(" Resend")[0]
            .startswith(email.split(".")[0].title() + " Queued: not sent yet")
        )

    assert deliver_with(make_app, port) == (2, 0)
    assert len(inbox.messages) == 2
    page = cohort_page(as_trainer, cohort)
    sent_at = db.session.get(OutboxMessage, lin.outbox_message_id).sent_at
    assert row_of(page, lin.email).startswith(f"Lin Sent {shown(sent_at)} Resend Revoke")

    # Lin types the code from the mail in lower case with spaces around it.
    as_trainer.logout()
    web = Browserless(as_trainer.client)
    response = web.post("/signup", {"code": f"  {lin.code.lower()} ", "email": lin.email})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert finish_signup(web, lin.email, **SIGNUP).status_code == 303
    web.logout()
    trainer = db.session.scalar(select(User).where(User.role == "trainer"))
    assert Browserless(as_trainer.client).login(trainer.email).status_code == 303
    page = cohort_page(as_trainer, cohort)
    accepted = row_of(page, lin.email)
    assert accepted.startswith("Lin Accepted ") and "Resend" not in accepted
    assert "Revoke" not in accepted
    assert row_of(page, arun.email).startswith("Arun Sent ")


def test_a_failed_invitation_says_so_and_can_be_resent(as_trainer, cohort, make_app):
    lin, _ = invite(as_trainer, cohort)
    assert deliver_with(make_app, free_port(), MAIL_MAX_ATTEMPTS=1) == (0, 2)
    page = cohort_page(as_trainer, cohort)
    assert row_of(page, lin.email).startswith("Lin Failed: could not be delivered ")

    first_message = lin.outbox_message_id
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/invitations/{lin.id}/resend", token_from=f"/cohorts/{cohort.id}"
    )
    assert response.status_code == 303
    page = as_trainer.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The invitation is queued again" in page
    assert row_of(page, lin.email).startswith("Lin Queued: not sent yet ")
    db.session.refresh(lin)
    assert lin.outbox_message_id != first_message
    again = db.session.get(OutboxMessage, lin.outbox_message_id)
    assert again.status == "pending" and again.to_addr == lin.email and lin.code in again.body_text
    assert db.session.get(OutboxMessage, first_message).status == "failed"  # history kept
    assert "invitation.resent" in db.session.scalars(select(AuditEvent.action)).all()


def test_an_expired_invitation_says_so_and_a_resend_renews_it(as_trainer, cohort):
    lin, _ = invite(as_trainer, cohort)
    lin.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = cohort_page(as_trainer, cohort)
    assert row_of(page, lin.email).startswith(f"Lin Expired {shown(lin.expires_at)}")
    as_trainer.post(
        f"/cohorts/{cohort.id}/invitations/{lin.id}/resend", token_from=f"/cohorts/{cohort.id}"
    )
    db.session.refresh(lin)
    assert lin.expires_at > utcnow() + timedelta(days=59)
    assert row_of(cohort_page(as_trainer, cohort), lin.email).startswith("Lin Queued")


def test_a_revoked_invitation_is_not_sent_again(as_trainer, cohort):
    lin, _ = invite(as_trainer, cohort)
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/invitations/{lin.id}/revoke", token_from=f"/cohorts/{cohort.id}"
    )
    page = as_trainer.client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"The invitation for {lin.email} is revoked." in page
    revoked = row_of(page, lin.email)
    assert revoked.startswith("Lin Revoked ") and "Resend" not in revoked
    count = select(func.count(OutboxMessage.id))
    before = db.session.scalar(count)
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/invitations/{lin.id}/resend", token_from=f"/cohorts/{cohort.id}"
    )
    page = as_trainer.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "revoked or accepted; it is not sent again" in page
    assert db.session.scalar(count) == before


@pytest.mark.parametrize("typed", ["june-2026", "  JUNE-2026  ", "June-2026\t"])
def test_codes_are_accepted_whatever_the_case_and_spaces(web, cohort, typed):
    make_invitation(cohort, code="JUNE-2026")
    response = web.post("/signup", {"code": typed, "email": "nara@example.test"})
    assert response.status_code == 303
    assert finish_signup(web, "nara@example.test", **SIGNUP).status_code == 303
    assert db.session.scalar(select(User).where(User.email == "nara@example.test")) is not None


def test_resend_of_another_cohorts_invitation_is_not_found(as_trainer, cohort):
    other = make_cohort("Other (fictional)")
    foreign = make_invitation(other, email="x@example.test", max_uses=1)
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/invitations/{foreign.id}/resend",
        token_from=f"/cohorts/{cohort.id}",
    )
    assert response.status_code == 404
    response = as_trainer.post(
        f"/cohorts/{other.id}/invitations/{foreign.id}/resend",
        token_from=f"/cohorts/{cohort.id}",
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_participant_cannot_resend(as_participant, cohort):
    invitation = make_invitation(cohort, email="y@example.test", max_uses=1)
    response = as_participant.post(
        f"/cohorts/{cohort.id}/invitations/{invitation.id}/resend", token_from="/"
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_resend_without_csrf_token_changes_nothing(as_trainer, cohort):
    invitation = make_invitation(cohort, email="z@example.test", max_uses=1)
    response = as_trainer.client.post(f"/cohorts/{cohort.id}/invitations/{invitation.id}/resend")
    assert response.status_code in (303, 400)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
