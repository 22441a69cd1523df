"""Limits that hold: Redis down, several workers, simultaneous requests (issue 7, item 3).

The concurrency tests fire real simultaneous requests from threads, each with its own
client and database connection; on PostgreSQL (the production database) they fail
without atomic updates or row locks. SQLite serialises writes, so there they always hold.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import free_port
from factories import (
    PASSWORD,
    csrf_from,
    enrol,
    mailed_link,
    make_cohort,
    make_invitation,
    make_user,
)
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts.models import LoginAttempt, User
from portal.cohorts.models import Invitation
from portal.discussion.models import Post
from portal.extensions import db

ROOT = Path(__file__).resolve().parents[2]
GOOD_PASSWORD = "mango river lantern 42"


def _simultaneously(count: int, prepare, fire) -> list:
    """Run prepare(i) in `count` threads, then fire(i, prepared) in all at once."""
    # End the test's own transaction first: on SQLite it would hold the write lock.
    db.session.commit()
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def work(i):
        try:
            prepared = prepare(i)
        finally:
            barrier.wait()
        results[i] = fire(i, prepared)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _client(app) -> FlaskClient:
    return FlaskClient(app, app.response_class, use_cookies=True)


def _token(client, path="/login") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


# --- Redis unreachable ------------------------------------------------------------------


def test_redis_down_falls_back_to_memory_and_says_so(make_app, caplog):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"  # a closed port: nothing listens
    app = make_app(LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes", RATELIMIT_STORAGE_URI=dead_redis)
    with app.app_context():
        client = app.test_client()
        token = _token(client)
        with caplog.at_level(logging.WARNING):
            codes = [
                client.post(
                    "/login",
                    data={"email": f"p{i}@example.test", "password": "x" * 12, "csrf_token": token},
                ).status_code
                for i in range(4)
            ]
        assert codes == [400, 400, 400, 429]  # no 500, and the limit still holds
        assert any("falling back to in-memory" in r.getMessage() for r in caplog.records)


def test_healthz_reports_database_and_redis_separately(make_app):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    with app.app_context():
        response = app.test_client().get("/healthz")
    assert response.status_code == 200  # the portal works; limits are per worker meanwhile
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "unavailable"}


def test_healthz_without_redis_configured(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_make_run_uses_one_worker_unless_limits_are_shared():
    def dry_run(**env):
        result = subprocess.run(
            ["make", "-n", "-s", "run"],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return next(line for line in result.stdout.splitlines() if "gunicorn" in line)

    assert "--workers 1 " in dry_run()
    assert "--workers 2 " in dry_run(REDIS_URL="redis://127.0.0.1:6379/0")


# --- Simultaneous requests ----------------------------------------------------------------


def test_single_use_code_is_redeemed_once_by_eight_simultaneous_signups(app, cohort):
    invitation = make_invitation(cohort, code="ONCEONLY", max_uses=1)
    # Eight people ask with the one code; each gets a link; all eight finish at once.
    links = []
    client = _client(app)
    token = _token(client, "/signup")
    for i in range(8):
        data = {"code": "ONCEONLY", "email": f"racer{i}@example.test", "csrf_token": token}
        assert client.post("/signup", data=data).status_code == 303
        links.append(mailed_link(f"racer{i}@example.test", "/signup/confirm/"))

    def prepare(i):
        client = _client(app)
        return client, _token(client, links[i])

    def fire(i, prepared):
        client, token = prepared
        data = {
            "display_name": f"Racer {i}",
            "password": GOOD_PASSWORD,
            "confirm": GOOD_PASSWORD,
            "csrf_token": token,
        }
        return client.post(links[i], data=data).status_code

    codes = _simultaneously(8, prepare, fire)
    assert sorted(codes) == [303] + [400] * 7
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).uses == 1
    assert db.session.scalar(select(func.count(User.id)).where(User.email.like("racer%"))) == 1


def test_login_throttle_holds_under_simultaneous_attempts(app, participant):
    limit = app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    email = participant.email

    def prepare(i):
        client = _client(app)
        return client, _token(client)

    def fire(i, prepared):
        client, token = prepared
        data = {"email": email, "password": f"wrong guess {i}", "csrf_token": token}
        return client.post("/login", data=data).status_code

    tries = limit + 4  # within the connection pool (5 + 10 overflow)
    codes = _simultaneously(tries, prepare, fire)
    assert codes.count(400) <= limit  # passwords actually checked
    assert codes.count(400) + codes.count(429) == tries
    db.session.expire_all()
    assert db.session.scalar(select(func.count(LoginAttempt.id))) <= limit


def test_new_account_posting_limit_holds_under_simultaneous_posts(app):
    from discussion.conftest import board_for, make_sessions, make_thread

    cohort = make_cohort("Race cohort (fictional)")
    newcomer = make_user("participant")
    trainer = make_user("trainer")
    enrol(newcomer, cohort)
    enrol(trainer, cohort, "trainer")
    make_sessions(1)
    thread, _posts = make_thread(board_for(cohort), trainer)
    email, newcomer_id, page = newcomer.email, newcomer.id, f"/discussion/threads/{thread.id}"

    def prepare(i):
        client = _client(app)
        token = _token(client)
        client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        return client, _token(client, page)

    def fire(i, prepared):
        client, token = prepared
        data = {"body": f"Simultaneous reply {i}.", "token": f"race-{i}", "csrf_token": token}
        return client.post(f"{page}/reply", data=data).status_code

    _simultaneously(10, prepare, fire)
    db.session.expire_all()
    stored = db.session.scalar(select(func.count(Post.id)).where(Post.author_id == newcomer_id))
    assert stored == 1  # one post per half minute for a new account


@pytest.fixture(autouse=True)
def _reset_limiter_state():
    yield
    from portal.extensions import limiter

    limiter._storage_dead = False  # the extension object outlives each test's app
