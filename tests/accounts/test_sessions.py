"""Signing out really signs out: revocable sessions and remember-me tokens (issue 7, item 1)."""

from __future__ import annotations

from datetime import timedelta

from conftest import Browserless
from factories import PASSWORD

from portal.accounts.models import User
from portal.extensions import db

NEW_PASSWORD = "a brand new passphrase for testing"
PROFILE = "/account/profile"


def _signed_in(client) -> bool:
    return client.get(PROFILE).status_code == 200


def _copy_cookie(source, target, name: str) -> None:
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    target.set_cookie(name, cookie.value)


def test_sign_out_with_keep_me_signed_in_leaves_the_browser_anonymous(web, participant):
    web.login(participant.email, remember="y")
    assert web.client.get_cookie("remember_token") is not None
    response = web.logout()
    assert response.status_code == 303
    assert web.client.get_cookie("remember_token") is None  # the cookie is deleted
    assert not _signed_in(web.client)  # the next request is anonymous
    assert "Sign in" in web.client.get("/").get_data(as_text=True)


def test_copied_session_cookie_is_refused_after_sign_out(app, participant):
    workshop_pc = Browserless(app.test_client())
    workshop_pc.login(participant.email)
    thief = app.test_client()
    _copy_cookie(workshop_pc.client, thief, "session")
    assert _signed_in(thief)  # the copy works while the session lives
    workshop_pc.logout()
    assert not _signed_in(thief)


def test_copied_remember_cookie_is_refused_after_sign_out(app, participant):
    workshop_pc = Browserless(app.test_client())
    workshop_pc.login(participant.email, remember="y")
    thief = app.test_client()
    _copy_cookie(workshop_pc.client, thief, "remember_token")
    assert _signed_in(thief)  # a remember cookie alone signs in
    workshop_pc.logout()
    fresh = app.test_client()
    _copy_cookie(thief, fresh, "remember_token")
    assert not _signed_in(fresh)


def test_remember_token_expires_on_the_server(app, participant):
    laptop = Browserless(app.test_client())
    laptop.login(participant.email, remember="y")
    replay = app.test_client()
    _copy_cookie(laptop.client, replay, "remember_token")
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(seconds=-1)  # its lifetime is over
    assert not _signed_in(replay)


def test_sign_out_everywhere_from_the_profile_page(app, participant):
    phone, laptop = Browserless(app.test_client()), Browserless(app.test_client())
    phone.login(participant.email, remember="y")
    laptop.login(participant.email)
    page = laptop.client.get(PROFILE).get_data(as_text=True)
    assert 'action="/account/sign-out-everywhere"' in page
    response = laptop.post("/account/sign-out-everywhere", token_from=PROFILE)
    assert response.status_code == 303
    assert not _signed_in(laptop.client)
    assert not _signed_in(phone.client)
    generation = db.session.get(User, participant.id).session_generation
    assert generation >= 1
    assert laptop.login(participant.email).status_code == 303  # signing in again works


def test_password_reset_and_change_end_other_sessions(app, participant):
    phone, laptop = Browserless(app.test_client()), Browserless(app.test_client())
    phone.login(participant.email, remember="y")
    laptop.login(participant.email)
    laptop.post(
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert _signed_in(laptop.client)
    assert not _signed_in(phone.client)


def test_deactivation_ends_the_users_sessions(app, participant, admin):
    member = Browserless(app.test_client())
    member.login(participant.email, remember="y")
    boss = Browserless(app.test_client())
    boss.login(admin.email)
    response = boss.post(
        f"/admin/users/{participant.id}",
        {"role": "participant"},  # is_enabled unticked
    )
    assert response.status_code == 303
    assert not _signed_in(member.client)


def test_deletion_ends_every_session(app, participant):
    phone, laptop = Browserless(app.test_client()), Browserless(app.test_client())
    phone.login(participant.email, remember="y")
    laptop.login(participant.email, remember="y")
    copy = app.test_client()
    _copy_cookie(phone.client, copy, "remember_token")
    laptop.post("/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert laptop.client.get_cookie("remember_token") is None
    assert not _signed_in(laptop.client)
    assert not _signed_in(phone.client)
    assert not _signed_in(copy)
