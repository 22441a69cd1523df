"""Cohort management: create, edit, invitation codes, CSV invites, trainers, access."""

from datetime import date, timedelta

from conftest import Browserless
from factories import enrol, mailed_link, make_cohort, make_invitation, make_user
from flask import g
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.cohorts import permissions
from portal.cohorts.models import Cohort, Invitation, Membership
from portal.discussion.permissions import viewer_for
from portal.extensions import db
from portal.mail import OutboxMessage

DATES = {
    "elearning_opens": "2026-05-01",
    "workshop_start": "2026-06-08",
    "workshop_end": "2026-06-12",
    "alumni_from": "2026-06-13",
}


def test_trainer_creates_cohort_and_is_enrolled(as_trainer, trainer):
    response = as_trainer.post(
        "/cohorts/new",
        {"name": "October workshop (fictional)", "location": "Jeju", "sponsor": "A donor", **DATES},
    )
    assert response.status_code == 303
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "October workshop (fictional)"))
    assert cohort.workshop_start == date(2026, 6, 8) and cohort.sponsor == "A donor"
    assert permissions.can_manage_cohort(trainer, cohort)
    listing = as_trainer.client.get("/cohorts/").get_data(as_text=True)
    assert "October workshop (fictional)" in listing


def test_cohort_dates_are_validated_and_input_kept(as_trainer):
    bad = {**DATES, "workshop_end": "2026-06-01"}
    response = as_trainer.post("/cohorts/new", {"name": "Keep me", **bad})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "cannot end before it starts" in page and 'value="Keep me"' in page


def test_edit_cohort(as_trainer, cohort):
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/edit",
        {"name": "Renamed (fictional)", "location": "Bangkok", **DATES},
    )
    assert response.status_code == 303
    db.session.refresh(cohort)
    assert cohort.name == "Renamed (fictional)" and cohort.location == "Bangkok"


def test_trainer_cannot_manage_other_cohorts(as_trainer):
    other = make_cohort("Someone else's cohort")
    assert as_trainer.client.get(f"/cohorts/{other.id}").status_code == 404
    assert as_trainer.client.get(f"/cohorts/{other.id}/edit").status_code == 404
    listing = as_trainer.client.get("/cohorts/").get_data(as_text=True)
    assert "Someone else&#39;s cohort" not in listing and "Someone else's cohort" not in listing


def test_admin_manages_every_cohort(as_admin):
    other = make_cohort("Any cohort")
    assert as_admin.client.get(f"/cohorts/{other.id}").status_code == 200


def test_participant_cannot_reach_cohort_screens(as_participant, cohort):
    assert as_participant.client.get("/cohorts/").status_code == 403
    assert as_participant.client.get(f"/cohorts/{cohort.id}").status_code == 404
    response = as_participant.post(
        f"/cohorts/{cohort.id}/invitations", {"valid_days": 5}, token_from="/"
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_visitor_is_sent_to_login(client, cohort):
    response = client.get(f"/cohorts/{cohort.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_generate_and_revoke_invitation(as_trainer, cohort):
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/invitations",
        {"valid_days": 10, "max_uses": 25},
        token_from=f"/cohorts/{cohort.id}",
    )
    assert response.status_code == 303
    invitation = db.session.scalar(select(Invitation))
    assert invitation.max_uses == 25 and len(invitation.code) == 10
    page = as_trainer.client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert invitation.code in page
    revoke = as_trainer.post(
        f"/cohorts/{cohort.id}/invitations/{invitation.id}/revoke",
        token_from=f"/cohorts/{cohort.id}",
    )
    assert revoke.status_code == 303
    db.session.refresh(invitation)
    assert invitation.revoked_at is not None
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"invitation.created", "invitation.revoked"} <= actions


def test_cannot_revoke_invitation_of_another_cohort(as_trainer, cohort):
    other = make_cohort("Other")
    invitation = make_invitation(other)
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/invitations/{invitation.id}/revoke",
        token_from=f"/cohorts/{cohort.id}",
    )
    assert response.status_code == 404
    db.session.refresh(invitation)
    assert invitation.revoked_at is None


def test_bulk_invite_from_csv(as_trainer, cohort):
    csv_text = (
        "email,name,country,organisation\n"
        "lin.fictional@example.test,Lin,Thailand,Fictional Shelter\n"
        "not-an-email,Bad,TH,\n"
        "arun.fictional@example.test,Arun,NP,Fictional Union\n"
        "LIN.fictional@example.test,Lin again,TH,\n"
    )
    from io import BytesIO

    response = as_trainer.post(
        f"/cohorts/{cohort.id}/invite-csv",
        {"file": (BytesIO(csv_text.encode()), "invites.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 invitations queued." in page
    assert "Line 3" in page and "Line 5" in page
    invitations = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert [(i.email, i.country, i.max_uses) for i in invitations] == [
        ("lin.fictional@example.test", "TH", 1),
        ("arun.fictional@example.test", "NP", 1),
    ]
    mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(mails) == 2 and invitations[0].code in mails[0].body_text
    signup = as_trainer.client.get(f"/signup?code={invitations[0].code}")
    assert signup.status_code == 302  # signed in already; the code page is for the invitee


def test_personal_invitation_prefills_signup(client, cohort):
    invitation = make_invitation(
        cohort,
        email="lin.fictional@example.test",
        name="Lin",
        country="TH",
        organisation="Fictional Shelter",
        max_uses=1,
    )
    page = client.get(f"/signup?code={invitation.code}").get_data(as_text=True)
    assert 'value="lin.fictional@example.test"' in page
    web = Browserless(client)
    assert (
        web.post("/signup", {"code": invitation.code, "email": invitation.email}).status_code == 303
    )
    link = mailed_link(invitation.email, "/signup/confirm/")
    page = client.get(link).get_data(as_text=True)  # the mailed link's page: the rest
    assert 'value="Lin"' in page and 'value="Fictional Shelter"' in page


def test_enrol_trainer_and_remove_member(as_admin, cohort, participant):
    as_trainer = as_admin  # admins enrol at once; trainers send an invitation (issue 7)
    colleague = make_user("trainer", email="colleague@example.test")
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/trainers",
        {"email": "colleague@example.test"},
        token_from=f"/cohorts/{cohort.id}",
    )
    assert response.status_code == 303
    member = db.session.scalar(select(Membership).where(Membership.user_id == colleague.id))
    assert member.role == "trainer"
    refused = as_trainer.post(
        f"/cohorts/{cohort.id}/trainers",
        {"email": participant.email},
        token_from=f"/cohorts/{cohort.id}",
    )
    assert refused.status_code == 303
    page = as_trainer.client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "No trainer account uses this e-mail address." in page
    own = db.session.scalar(select(Membership).where(Membership.user_id == participant.id))
    removed = as_trainer.post(
        f"/cohorts/{cohort.id}/members/{own.id}/remove", token_from=f"/cohorts/{cohort.id}"
    )
    assert removed.status_code == 303
    remaining = select(func.count(Membership.id)).where(Membership.user_id == participant.id)
    assert db.session.scalar(remaining) == 0


def test_alumni_status_follows_dates(app):
    user = make_user()
    today = date.today()
    past = make_cohort(
        "Past",
        elearning_opens=today - timedelta(days=90),
        workshop_start=today - timedelta(days=40),
        workshop_end=today - timedelta(days=36),
        alumni_from=today - timedelta(days=35),
    )
    enrol(user, make_cohort("Current"))

    def is_alumni(on=None):
        g.pop("_discussion_viewer", None)  # the request's Viewer is kept on g
        return viewer_for(user, on).is_alumni

    # One rule, the board rule's: a participant of any cohort whose alumni phase began.
    assert not is_alumni()
    enrol(user, past)
    assert is_alumni()
    assert not is_alumni(today - timedelta(days=36))
