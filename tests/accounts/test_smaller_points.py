"""Smaller points of the audit (issue 7, item 8)."""

from __future__ import annotations

import re
import time

from conftest import Browserless
from discussion.conftest import board_for, make_sessions, make_thread
from factories import PASSWORD, enrol, make_cohort, make_user
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.cohorts.models import Membership
from portal.discussion.notifications.models import Subscription
from portal.extensions import db
from portal.mail import deliver_pending

NEW_PASSWORD = "a brand new passphrase for testing"


def test_removed_member_no_longer_sees_the_cohorts_thread_titles(as_trainer, cohort, app):
    make_sessions(1)
    member = make_user("participant")
    enrol(member, cohort)
    thread, _posts = make_thread(board_for(cohort), member, title="Private cohort matter")
    db.session.add(Subscription(user_id=member.id, thread_id=thread.id))
    db.session.commit()
    web = Browserless(app.test_client())
    web.login(member.email)
    assert "Private cohort matter" in web.client.get("/discussion/settings").get_data(as_text=True)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == member.id))
    removed = as_trainer.post(f"/cohorts/{cohort.id}/members/{membership.id}/remove")
    assert removed.status_code == 303
    page = web.client.get("/discussion/settings").get_data(as_text=True)
    assert "Private cohort matter" not in page


def test_a_reset_lifts_the_login_lock_for_the_owner(mail_app):
    app, inbox = mail_app
    owner = make_user(email="locked.out@example.test")
    attacker = Browserless(app.test_client())
    for i in range(app.config["LOGIN_FAILURES_PER_ACCOUNT"]):
        attacker.login(owner.email, f"wrong guess {i}")
    web = Browserless(app.test_client())
    assert web.login(owner.email).status_code == 429  # locked, even with the right password
    web.post("/password/forgot", {"email": owner.email})
    deliver_pending()
    link = re.search(
        r"http://\S+(/password/reset/\S+)", inbox.messages[0].get_body(("plain",)).get_content()
    ).group(1)
    assert web.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303
    assert web.login(owner.email, NEW_PASSWORD).status_code == 303


def _flash(page: str) -> str:
    return re.search(r'<p class="flash[^"]*">([^<]+)<', page).group(1).strip()


def test_enrolling_a_trainer_answers_alike_whatever_the_address(mail_app):
    app, inbox = mail_app
    cohort = make_cohort("Trainer invitation cohort (fictional)")
    trainer = make_user("trainer", email="running.it@example.test")
    enrol(trainer, cohort, "trainer")
    colleague = make_user("trainer", email="colleague@example.test", display_name="Colleague")
    addresses = {
        "staff": colleague.email,
        "admin": make_user("admin", email="an.admin@example.test").email,
        "participant": make_user("participant", email="a.participant@example.test").email,
        "unknown": "nobody.at.all@example.test",
    }
    web = Browserless(app.test_client())
    web.login(trainer.email)
    answers = {}
    for kind, email in addresses.items():
        response = web.post(
            f"/cohorts/{cohort.id}/trainers", {"email": email}, token_from=f"/cohorts/{cohort.id}"
        )
        page = web.client.get(response.location)
        answers[kind] = (
            response.status_code,
            response.location,
            page.status_code,
            _flash(page.get_data(as_text=True)).replace(email, "ADDRESS"),
        )
    assert len(set(answers.values())) == 1, answers
    assert "If ADDRESS belongs to a trainer account" in answers["staff"][3]
    members = select(Membership.user_id).where(Membership.cohort_id == cohort.id)
    assert set(db.session.scalars(members)) == {trainer.id}  # nobody enrolled yet

    # The staff accounts get an invitation; the others get nothing.
    assert deliver_pending() == (2, 0)
    by_address = {
        message["To"]: message.get_body(("plain",)).get_content() for message in inbox.messages
    }
    assert set(by_address) == {addresses["staff"], addresses["admin"]}
    link = re.search(r"http://\S+(/cohorts/\d+/trainers/join/\S+)", by_address[colleague.email])
    link = link.group(1)

    # Only the invited account may use the link; it joins when they accept.
    assert web.client.get(link).status_code == 404  # the inviting trainer
    web.logout()
    assert web.login(colleague.email).status_code == 303
    page = web.client.get(link)
    assert page.status_code == 200 and "Join as a trainer" in page.get_data(as_text=True)
    accepted = web.post(link)
    assert accepted.status_code == 303 and accepted.location == f"/cohorts/{cohort.id}"
    assert "You are now a trainer of" in web.client.get(accepted.location).get_data(as_text=True)
    role = select(Membership.role).where(
        Membership.user_id == colleague.id, Membership.cohort_id == cohort.id
    )
    assert db.session.scalar(role) == "trainer"
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert web.client.get(tampered).status_code == 404

    # The link is used up: a second click lands on the cohort and enrols nothing more.
    again = web.post(link, token_from=f"/cohorts/{cohort.id}")
    assert again.status_code == 303 and again.location == f"/cohorts/{cohort.id}"
    enrolments = select(func.count()).where(
        AuditEvent.action == "cohort.enrolled", AuditEvent.target_id == cohort.id
    )
    assert db.session.scalar(enrolments) == 1  # the colleague joined once (factories do not audit)

    # Removed within the seven days, the colleague cannot rejoin with the old link.
    member = db.session.scalar(
        select(Membership).where(
            Membership.user_id == colleague.id, Membership.cohort_id == cohort.id
        )
    )
    web.logout()
    web.login(trainer.email)
    removed = web.post(
        f"/cohorts/{cohort.id}/members/{member.id}/remove", token_from=f"/cohorts/{cohort.id}"
    )
    assert removed.status_code == 303
    web.logout()
    web.login(colleague.email)
    assert web.client.get(link).status_code == 404
    refused = web.post(link, token_from="/")
    assert refused.status_code == 404
    assert db.session.scalar(role) is None


def test_an_admin_enrols_a_trainer_at_once(as_admin, cohort):
    colleague = make_user("trainer", email="colleague@example.test")
    path = f"/cohorts/{cohort.id}/trainers"
    response = as_admin.post(path, {"email": colleague.email}, token_from=f"/cohorts/{cohort.id}")
    assert "Trainer enrolled." in as_admin.client.get(response.location).get_data(as_text=True)
    role = select(Membership.role).where(Membership.user_id == colleague.id)
    assert db.session.scalar(role) == "trainer"


def test_csrf_tokens_expire(app, participant):
    web = Browserless(app.test_client())
    web.login(participant.email, PASSWORD)
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    assert limit and limit <= 24 * 3600
    web.client.get("/account/profile")  # the page's form puts a token in the session
    with web.client.session_transaction() as session:
        raw = session["csrf_token"]

    class LongAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - limit - 60

    stale = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=LongAgo)
    data = {"display_name": "Renamed", "language": "en"}
    refused = web.client.post("/account/profile", data={**data, "csrf_token": stale.dumps(raw)})
    assert refused.status_code == 400
    assert web.post("/account/profile", data).status_code == 303
