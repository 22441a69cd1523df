"""Work run in spawned processes by the storage tests; importable from tests/ by name."""

from __future__ import annotations

import os
import sys


def profile_writer(database_url: str, instance: str, email: str, password: str, writes: int) -> int:
    """One process: sign in and save the profile `writes` times through the real views."""
    os.environ["PORTAL_INSTANCE"] = instance
    sys.path.insert(0, os.path.dirname(__file__))
    from conftest import Browserless, FreshContextClient, test_settings

    from portal import create_app
    from portal.extensions import db

    app = create_app(test_settings(SQLALCHEMY_DATABASE_URI=database_url))
    app.test_client_class = FreshContextClient
    with app.app_context():
        web = Browserless(app.test_client())
        login = web.login(email, password)
        assert login.status_code == 303, login.get_data(as_text=True)[:2000]
        token = web.token("/account/profile")
        failures = 0
        for n in range(writes):
            response = web.client.post(
                "/account/profile",
                data={"csrf_token": token, "display_name": f"Writer {n}", "language": "en"},
            )
            failures += response.status_code != 303
        db.engine.dispose()
    return failures


def half_done_writer(database_url: str, instance: str, email: str, ready) -> None:
    """One process: change a profile and add audit rows inside one transaction, flush them
    to the database, say so, then wait for the SIGKILL that ends it before the commit."""
    import time

    os.environ["PORTAL_INSTANCE"] = instance
    sys.path.insert(0, os.path.dirname(__file__))
    from conftest import test_settings
    from sqlalchemy import select

    from portal import create_app
    from portal.accounts.models import User
    from portal.audit import AuditEvent
    from portal.extensions import db

    app = create_app(test_settings(SQLALCHEMY_DATABASE_URI=database_url))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.display_name = "Half-written name"
        for n in range(200):
            db.session.add(AuditEvent(action="drill.half_done", detail={"n": n}))
        db.session.flush()  # the rows are in the database's transaction, not committed
        ready.set()
        time.sleep(120)
