"""Reset links and sign-up (issue 7, items 4 and 5)."""

from __future__ import annotations

import re
from datetime import timedelta

from conftest import Browserless
from factories import PASSWORD, mailed_link, make_cohort, make_invitation, make_user
from measure import count_statements
from sqlalchemy import func, select, update

from portal.accounts.models import SignupRequest, User
from portal.cohorts.models import Invitation
from portal.database import utcnow
from portal.extensions import db
from portal.mail import OutboxMessage, deliver_pending

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


def _signup(app, code, email):
    """Sign up from a fresh browser; the answer, the page it leads to and the statements run."""
    web = Browserless(app.test_client())
    token = web.token("/signup")
    data = {"code": code, "email": email, "csrf_token": token}
    with count_statements(app) as log:
        response = web.client.post("/signup", data=data)
    landing = web.client.get(response.location) if response.location else None
    cookies = sorted(c.split("=")[0] for c in response.headers.getlist("Set-Cookie"))
    return response, landing, cookies, log.statements


def _without_tokens(response) -> str:
    """The page with its per-browser CSRF token blanked out."""
    page = response.get_data(as_text=True)
    page = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", page)


def _shape(statement: str) -> str:
    return " ".join(statement.split()[:3]).lower()


def test_signup_answers_alike_for_a_new_address_and_one_with_an_account(mail_app):
    app, inbox = mail_app
    owner = make_user(email="already.here@example.test", display_name="Owner Fictional")
    invitation = make_invitation(make_cohort(), code="OPENCODE")
    existing = _signup(app, "OPENCODE", "Already.Here@example.test")
    new = _signup(app, "OPENCODE", "brand.new@example.test")

    # What the browser sees: the same status, redirect, cookies and page.
    (old_response, old_page, old_cookies, old_sql) = existing
    (new_response, new_page, new_cookies, new_sql) = new
    assert old_response.status_code == new_response.status_code == 303
    assert old_response.location == new_response.location == "/signup/sent"
    assert old_response.get_data() == new_response.get_data()
    assert old_cookies == new_cookies
    assert old_page.status_code == new_page.status_code == 200
    assert _without_tokens(old_page) == _without_tokens(new_page)
    text = new_page.get_data(as_text=True)
    assert "Check your inbox" in text and "exists" not in text
    # The same work: the same reads and one mail queued (the new address's link is kept
    # too); no password is hashed on either path, it is chosen on the mailed link's page.
    shapes = [_shape(s) for s in old_sql]
    assert [_shape(s) for s in new_sql if "signup_request" not in s] == shapes
    queued = "INSERT INTO outbox_message"
    assert [s.startswith(queued) for s in old_sql].count(True) == 1
    assert [s.startswith(queued) for s in new_sql].count(True) == 1
    assert db.session.scalar(select(func.count(User.id))) == 1  # nobody signed up yet
    assert db.session.get(Invitation, invitation.id).uses == 0

    # What arrives: the owner is told someone tried; the new address gets its link.
    assert deliver_pending() == (2, 0)
    by_address = {
        message["To"]: message.get_body(("plain",)).get_content() for message in inbox.messages
    }
    assert set(by_address) == {owner.email, "brand.new@example.test"}
    to_owner = by_address[owner.email]
    assert "already has an account" in to_owner and "/login" in to_owner
    assert "/signup/confirm/" not in to_owner
    link = re.search(r"http://\S+(/signup/confirm/\S+)", by_address["brand.new@example.test"])
    web = Browserless(app.test_client())
    finished = web.post(
        link.group(1),
        {"display_name": "Newcomer", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD},
    )
    assert finished.status_code == 303 and finished.location == "/progress"
    assert "Welcome, Newcomer." in web.client.get("/progress").get_data(as_text=True)
    assert db.session.get(Invitation, invitation.id).uses == 1
    # The link works once.
    again = web.client.get(link.group(1))
    assert again.status_code == 400 and "expired or was used" in again.get_data(as_text=True)


def test_the_mailed_link_sets_the_password_not_the_form(mail_app):
    """Whoever fills in the sign-up form cannot choose the password of someone else's
    address: the name and password are set on the page the mailed link opens."""
    app, inbox = mail_app
    make_invitation(make_cohort(), code="OPENCODE")
    web = Browserless(app.test_client())
    data = {
        "code": "OPENCODE",
        "email": "victim@example.test",
        "password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD,
    }
    assert web.post("/signup", data).status_code == 303
    assert web.login("victim@example.test", GOOD_PASSWORD).status_code == 400
    assert db.session.scalar(select(func.count(User.id))) == 0
    deliver_pending()
    [message] = inbox.messages
    assert (
        message["To"] == "victim@example.test"
        and "/signup/confirm/" in message.get_body(("plain",)).get_content()
    )


def test_an_expired_signup_link_is_refused(web, cohort):
    make_invitation(cohort, code="OPENCODE")
    assert (
        web.post("/signup", {"code": "OPENCODE", "email": "late@example.test"}).status_code == 303
    )
    link = mailed_link("late@example.test", "/signup/confirm/")
    db.session.execute(update(SignupRequest).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    page = web.client.get(link)
    assert page.status_code == 400 and "expired or was used" in page.get_data(as_text=True)
    response = web.post(
        link,
        {"display_name": "Late", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD},
        token_from="/signup",
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(User.id))) == 0


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


def test_signup_pages_stay_within_the_statement_budget(app, web, cohort):
    make_invitation(cohort, code="OPENCODE")
    with count_statements(app) as asked:
        assert (
            web.post("/signup", {"code": "OPENCODE", "email": "n@example.test"}).status_code == 303
        )
    link = mailed_link("n@example.test", "/signup/confirm/")
    with count_statements(app) as sent:
        assert web.client.get("/signup/sent").status_code == 200
    with count_statements(app) as form:
        assert web.client.get(link).status_code == 200
    data = {"display_name": "N", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD}
    data["csrf_token"] = web.token(link)
    with count_statements(app) as finished:
        assert web.client.post(link, data=data).status_code == 303
    counts = [log.count for log in (asked, sent, form, finished)]
    assert counts == [5, 0, 1, 7], counts  # SQLite and PostgreSQL alike; the budget is 8


def test_a_second_link_for_an_address_that_has_an_account_now(web, cohort):
    make_invitation(cohort, code="OPENCODE")
    for _ in range(2):
        web.post("/signup", {"code": "OPENCODE", "email": "twice@example.test"})
    bodies = db.session.scalars(select(OutboxMessage.body_text).order_by(OutboxMessage.id))
    links = [re.search(r"http://\S+(/signup/confirm/\S+)", b).group(1) for b in bodies]
    assert len(links) == 2
    data = {"display_name": "Twice", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD}
    assert web.post(links[1], data).status_code == 303
    web.logout()
    # Finishing used up every link of the address.
    assert web.client.get(links[0]).status_code == 400
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_a_link_for_an_address_given_an_account_meanwhile_says_so(web, cohort):
    invitation = make_invitation(cohort, code="OPENCODE")
    web.post("/signup", {"code": "OPENCODE", "email": "meanwhile@example.test"})
    link = mailed_link("meanwhile@example.test", "/signup/confirm/")
    make_user(email="meanwhile@example.test")  # e.g. made by an admin in between
    data = {"display_name": "Late", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD}
    response = web.post(link, data)
    assert response.status_code == 400
    assert "This address has an account now. Sign in instead." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.get(Invitation, invitation.id).uses == 0
