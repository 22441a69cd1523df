"""Smaller points of the audit (issue 7, item 8)."""

from __future__ import annotations

import re
import time

from conftest import Browserless
from discussion.conftest import board_for, make_sessions, make_thread
from factories import PASSWORD, enrol, make_user
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

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


def test_enrolling_a_trainer_answers_alike_for_participants_and_unknown_addresses(
    as_trainer, cohort
):
    participant = make_user("participant", email="just.a.participant@example.test")
    answers = {}
    for email in (participant.email, "nobody.at.all@example.test"):
        response = as_trainer.post(
            f"/cohorts/{cohort.id}/trainers", {"email": email}, follow_redirects=True
        )
        page = response.get_data(as_text=True)
        answers[email] = re.search(r'class="flash[^"]*"[^>]*>([^<]+)<', page).group(1).strip()
    assert len(set(answers.values())) == 1, answers
    assert db.session.scalar(select(Membership).where(Membership.user_id == participant.id)) is None


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
