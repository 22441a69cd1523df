"""Reset links and sign-up (issue 7, items 4 and 5)."""

from __future__ import annotations

import re

from conftest import Browserless
from factories import PASSWORD, make_cohort, make_invitation, make_user
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cohorts.models import Invitation
from portal.extensions import db
from portal.mail import deliver_pending

NEW_PASSWORD = "a brand new passphrase for testing"
GOOD_PASSWORD = "mango river lantern 42"


def _reset_links(inbox) -> list[str]:
    links = []
    for message in inbox.messages:
        match = re.search(
            r"http://\S+(/password/reset/\S+)", message.get_body(("plain",)).get_content()
        )
        if match:
            links.append(match.group(1))
    return links


def _ask_for_links(web, email, count):
    for _ in range(count):
        assert web.post("/password/forgot", {"email": email}).status_code == 303
    deliver_pending()


def test_a_reset_revokes_every_other_reset_link(mail_app):
    app, inbox = mail_app
    user = make_user(email="two.links@example.test")
    web = Browserless(app.test_client())
    _ask_for_links(web, user.email, 2)
    first, second = _reset_links(inbox)
    assert web.client.get(second).status_code == 200
    assert web.post(first, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303
    stale = web.client.get(second)
    assert stale.status_code == 400 and "expired or was used" in stale.get_data(as_text=True)


def test_a_password_change_revokes_outstanding_reset_links(mail_app):
    app, inbox = mail_app
    user = make_user(email="changer@example.test")
    web = Browserless(app.test_client())
    _ask_for_links(web, user.email, 1)
    [link] = _reset_links(inbox)
    web.login(user.email)
    changed = web.post(
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 303
    assert web.client.get(link).status_code == 400


def test_signup_does_not_reveal_an_existing_account_and_mails_its_owner(mail_app):
    app, inbox = mail_app
    owner = make_user(email="already.here@example.test")
    invitation = make_invitation(make_cohort(), code="OPENCODE")
    web = Browserless(app.test_client())
    data = {
        "code": "OPENCODE",
        "email": "Already.Here@example.test",
        "display_name": "Someone",
        "password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD,
    }
    response = web.post("/signup", data)
    assert response.status_code == 303 and response.location.endswith("/login")
    page = web.client.get(response.location).get_data(as_text=True)
    assert "exists already" not in page and "check your inbox" in page.lower()
    assert db.session.scalar(select(func.count(User.id))) == 1  # no second account
    assert db.session.get(Invitation, invitation.id).uses == 0  # the code is not used up
    assert deliver_pending() == (1, 0)
    [message] = inbox.messages
    assert message["To"] == owner.email
    assert "sign in" in message.get_body(("plain",)).get_content().lower()


def test_signup_limits_failed_codes_per_address(make_app):
    app = make_app(SIGNUP_FAILURES_PER_ADDRESS="3 per hour")
    with app.app_context():
        make_invitation(make_cohort(), code="REALCODE")
        web = Browserless(app.test_client())

        def attempt(code, email):
            data = {
                "code": code,
                "email": email,
                "display_name": "Guesser",
                "password": GOOD_PASSWORD,
                "confirm": GOOD_PASSWORD,
            }
            return web.post("/signup", data).status_code

        assert [attempt(f"GUESS{i}", f"g{i}@example.test") for i in range(3)] == [400] * 3
        assert attempt("REALCODE", "late@example.test") == 429
