"""The SPEC §4 security baseline: headers, cookies, CSRF, errors, secrets, audit."""

import json
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import ConfigurationError, create_app
from portal.audit import AuditEvent
from portal.extensions import db

PAGES = ["/", "/login", "/signup", "/password/forgot", "/no-such-page", "/healthz"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_error_pages_are_friendly_with_headers(make_app):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    with app.app_context():
        client = app.test_client()
        response = client.get("/boom")
        page = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Something went wrong" in page
        assert "Traceback" not in page and "secret internal detail" not in page
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        missing = client.get("/nowhere")
        assert missing.status_code == 404 and "Page not found" in missing.get_data(as_text=True)


def test_403_and_405_pages(as_participant):
    response = as_participant.client.get("/cohorts/")
    assert response.status_code == 403
    assert "do not have access" in response.get_data(as_text=True)
    assert as_participant.client.get("/logout").status_code == 405


def test_post_without_csrf_token_is_refused(client, participant):
    response = client.post("/login", data={"email": participant.email, "password": "x" * 12})
    assert response.status_code == 400
    assert "The request could not be understood" in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers


def test_csrf_token_accepted_as_htmx_header(web, participant):
    token = web.token("/login")
    response = web.client.post(
        "/login",
        data={"email": participant.email, "password": "wrong password x"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "not correct" in response.get_data(as_text=True)  # CSRF passed, login failed


def test_a_page_carries_one_token_in_its_forms_layout_and_htmx_header(as_participant):
    """The layout, the page's WTForms form and the written forms all carry the request's one
    token (kept after the first call), and it is accepted."""
    html = as_participant.client.get("/account/profile").get_data(as_text=True)
    in_forms = re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    in_header = re.findall(r'"X-CSRFToken": "([^"]+)"', html)
    assert len(in_forms) >= 3 and len(in_header) == 1
    assert len(set(in_forms + in_header)) == 1
    response = as_participant.client.post("/logout", data={"csrf_token": in_header[0]})
    assert response.status_code in (302, 303)


def test_signed_in_pages_are_not_stored(as_participant):
    assert as_participant.client.get("/account/profile").headers["Cache-Control"] == "no-store"
    assert as_participant.client.get("/").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags_development(web, participant):
    response = web.login(participant.email)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_secure_in_production(make_app, participant):
    email = participant.email
    db.session.commit()  # release the fixture's transaction before another app writes
    app = make_app(PORTAL_ENV="production", SECRET_KEY="p" * 40)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    from conftest import Browserless

    with app.app_context():
        web = Browserless(app.test_client())
        response = web.login(email, remember="y")
        cookies = response.headers.getlist("Set-Cookie")
        assert all("Secure" in c and "HttpOnly" in c for c in cookies), cookies


@pytest.mark.parametrize("key", [None, "", "short", "dev", "change-me"])
def test_production_refuses_weak_secret_key(key, tmp_path, database_url):
    config = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": key,
        "SQLALCHEMY_DATABASE_URI": database_url,
    }
    with pytest.raises(ConfigurationError):
        create_app(config)


def test_htmx_configuration_in_layout(client):
    page = client.get("/login").get_data(as_text=True)
    assert '"allowEval":false' in page and '"allowScriptTags":false' in page
    assert '"historyCacheSize":0' in page and '"selfRequestsOnly":true' in page
    assert 'hx-boost="true"' in page and "X-CSRFToken" in page
    assert "<script>" not in page and " onclick=" not in page and "style=" not in page


def test_fragments_vary_on_hx_request(as_admin):
    response = as_admin.client.get("/admin/users?q=admin", headers={"HX-Request": "true"})
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in response.get_data(as_text=True)
    assert len(response.get_data()) < 5 * 1024


def test_audit_log_never_holds_secrets(web, participant):
    web.login(participant.email, "a wrong password value")
    web.login(participant.email)
    web.post("/password/forgot", {"email": participant.email})
    rows = db.session.scalars(select(AuditEvent)).all()
    assert {"login.failure", "login.success", "password.reset_requested"} <= {
        r.action for r in rows
    }
    dumped = json.dumps([r.detail for r in rows])
    assert "a wrong password value" not in dumped and "correct horse" not in dumped


def test_audit_record_refuses_secret_keys(app):
    from portal import audit

    with pytest.raises(ValueError):
        audit.record("x", password="hunter2")


def _signed_in_with_a_kept_cookie(app, client) -> str:
    """Two pages with the same cookie (the first after signing in may still set it again,
    when it shows a message); the cookie's contents are kept by the second. Its text."""
    for _ in range(3):
        cookie = client.get_cookie("session").value
        assert client.get("/account/profile").status_code == 200
        if client.get_cookie("session").value == cookie:
            break
    assert _kept(app, cookie) is not None
    return cookie


def _kept(app, cookie: str):
    """What the worker keeps for the cookie under the app's current secret key, or None."""
    serializer = app.session_interface.get_signing_serializer(app)
    return app.extensions["portal_session_cookies"].peek((serializer, cookie))


def test_a_kept_session_cookie_still_expires_with_the_session_lifetime(app, as_participant):
    client = as_participant.client
    _signed_in_with_a_kept_cookie(app, client)
    assert client.get("/account/profile").status_code == 200  # read from what was kept
    # Signed at most a moment ago: a lifetime of -1 s makes it out of date at once.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=-1)
    response = client.get("/account/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_kept_session_cookie_with_another_signature_is_refused(app, as_participant):
    client = as_participant.client
    genuine = _signed_in_with_a_kept_cookie(app, client)
    payload, _, signature = genuine.rpartition(".")
    forged = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    client.set_cookie("session", f"{payload}.{forged}")
    response = client.get("/account/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    client.set_cookie("session", genuine)
    assert client.get("/account/profile").status_code == 200


def test_a_kept_session_cookie_is_refused_once_the_secret_key_changes(app, as_participant):
    client = as_participant.client
    _signed_in_with_a_kept_cookie(app, client)
    app.config["SECRET_KEY"] = "another secret key for this test, long enough to be accepted"
    response = client.get("/account/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_holding_a_list_is_read_afresh_from_its_cookie(app, client):
    """Only plain values are kept: a list one request changed in place must not be what
    the next request with the same cookie reads."""
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "A fictional notice shown once")]
    cookie = client.get_cookie("session").value
    assert "A fictional notice shown once" in client.get("/").get_data(as_text=True)
    assert _kept(app, cookie) is None
    client.set_cookie("session", cookie)  # the same cookie again, as a replayed request
    assert "A fictional notice shown once" in client.get("/").get_data(as_text=True)


def _header_token(client, path: str = "/account/profile") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


def test_a_session_is_handed_the_token_signed_for_it_and_it_is_accepted(web, participant):
    """A worker signs a session's CSRF token once a minute at most; another session never
    gets it, and the kept token is accepted."""
    web.login(participant.email)
    first = _header_token(web.client)
    assert _header_token(web.client, "/curriculum") == first
    visitor = web.client.application.test_client()
    assert _header_token(visitor, "/about") != first
    response = web.client.post("/logout", data={"csrf_token": first})
    assert response.status_code in (302, 303)


def test_a_kept_csrf_token_is_signed_afresh_after_the_reuse_window(web, participant, monkeypatch):
    import portal.security

    web.login(participant.email)
    first = _header_token(web.client)
    later = time.time() + portal.security.CSRF_TOKEN_REUSE_SECONDS + 1
    monkeypatch.setattr(portal.security.time, "time", lambda: later)
    fresh = _header_token(web.client)
    assert fresh != first
    assert web.client.post("/logout", data={"csrf_token": fresh}).status_code in (302, 303)


def test_a_new_csrf_key_never_gets_a_token_kept_for_the_old_one(app, web, participant):
    web.login(participant.email)
    first = _header_token(web.client)
    app.config["WTF_CSRF_SECRET_KEY"] = "another key for signing CSRF tokens, fictional"
    try:
        second = _header_token(web.client)
        assert second != first
        refused = web.client.post("/account/profile", data={"csrf_token": first})
        assert refused.status_code == 400
        accepted = web.client.post("/logout", data={"csrf_token": second})
        assert accepted.status_code in (302, 303)
    finally:
        app.config.pop("WTF_CSRF_SECRET_KEY")
