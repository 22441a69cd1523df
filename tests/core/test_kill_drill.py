"""Fault drill: a worker killed with SIGKILL in the middle of a write leaves nothing behind."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3

from factories import make_user
from sqlalchemy import func, select
from writers import half_done_writer

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.extensions import db


def test_sigkill_mid_write_leaves_nothing_behind(app, database_url):
    user = make_user(email="drill@example.test", display_name="Kept name")
    db.session.commit()
    user_id, email = user.id, user.email
    db.session.commit()  # reading them began a transaction: end it before the child writes
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    child = context.Process(
        target=half_done_writer,
        args=(database_url, os.environ["PORTAL_INSTANCE"], email, ready),
    )
    child.start()
    try:
        assert ready.wait(timeout=120), "the writer never reached the middle of its write"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.join(timeout=30)
    assert child.exitcode == -signal.SIGKILL

    db.session.expire_all()
    assert db.session.scalar(select(User.display_name).where(User.id == user_id)) == "Kept name"
    half = select(func.count()).where(AuditEvent.action == "drill.half_done")
    assert db.session.scalar(half) == 0
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(db.engine.url.database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # The database takes writes again at once: no lock was left behind by the dead worker.
    db.session.get(User, user_id).display_name = "Written after the drill"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, user_id).display_name == "Written after the drill"
