"""Fixtures: the app on a real database (SQLite, or PostgreSQL on the second run), personas."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

os.environ.setdefault("PORTAL_INSTANCE", tempfile.mkdtemp(prefix="portal-instance-"))

from factories import PASSWORD, csrf_from, enrol, make_cohort, make_user  # noqa: E402

from portal import create_app  # noqa: E402
from portal.config import TestConfig, normalise_database_url  # noqa: E402
from portal.extensions import db, limiter  # noqa: E402

POSTGRES_URL = os.environ.get("PORTAL_TEST_DB", "")
CONTENT = Path(__file__).resolve().parents[1] / "content"


def test_settings(**overrides) -> dict:
    """TestConfig as a dict, with overrides."""
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    settings.update(overrides)
    return settings


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if POSTGRES_URL:
        return normalise_database_url(POSTGRES_URL)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app(test_settings(SQLALCHEMY_DATABASE_URI=database_url))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
        create_schema()
        db.engine.dispose()
    yield


def create_schema() -> None:
    """Tables for the tests; features with extra DDL (search indexes) hook in here."""
    from portal.search.indexing import create_search_schema

    db.create_all()
    create_search_schema(db.engine)


def clear_tables() -> None:
    from portal.search.indexing import clear_search_index

    db.session.rollback()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        clear_search_index(conn)


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production, so `g` and the
    database session are not shared with the test; the test's session is expired after."""

    def open(self, *args, **kwargs):
        # End the test's own transaction first, as another process would: on SQLite a
        # transaction outside a request holds the write lock (BEGIN IMMEDIATE).
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def shared_app(_schema, database_url):
    """The one app with the default test settings, built once per session: building an app
    and compiling its templates cost more than most tests. The `app` fixture hands it to
    each test with its settings and rate limits as built, and empty tables."""
    app = create_app(test_settings(SQLALCHEMY_DATABASE_URI=database_url))
    app.test_client_class = FreshContextClient
    # What a test may change: its settings (restored before each test) and the limiter,
    # whose storage lives on the extension object that every create_app re-binds.
    app.extensions["portal_test_baseline"] = (dict(app.config), dict(limiter.__dict__))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def restore_shared_app(app) -> None:
    """Settings and rate limits as the shared app was built, counters at zero."""
    config, limiter_state = app.extensions["portal_test_baseline"]
    app.config.clear()
    app.config.update(config)
    limiter.__dict__.clear()
    limiter.__dict__.update(limiter_state)
    limiter.reset()


@pytest.fixture
def make_app(_schema, database_url):
    """Build a separate app on the test database with extra settings (for settings read
    when the app is built, or a second app beside the shared one); all are cleaned up."""
    apps = []

    def _make(**overrides):
        app = create_app(test_settings(SQLALCHEMY_DATABASE_URI=database_url, **overrides))
        app.test_client_class = FreshContextClient
        apps.append(app)
        return app

    yield _make
    for index, app in enumerate(apps):
        with app.app_context():
            if index == 0:
                clear_tables()
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(shared_app, make_app):
    # make_app is set up first so that it is torn down last: a separate app clears the
    # tables only after this test's session (which may hold SQLite's write lock) is gone.
    restore_shared_app(shared_app)
    with shared_app.app_context():
        yield shared_app
        clear_tables()
        db.session.remove()


# Tables whose rows database triggers write when other tables change.
TRIGGER_KEPT = {"library_version"}


@pytest.fixture(scope="session")
def _curriculum_rows(shared_app) -> dict:
    """The rows that importing content/ writes, imported once per session (2-3 s each
    time); `load_curriculum` copies them into a test's empty tables in milliseconds."""
    from portal.search.indexing import TABLE, uses_fts5

    with shared_app.app_context():
        clear_tables()
        import_curriculum()
        rows = {}
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                if table.name in TRIGGER_KEPT:
                    continue  # written by the triggers as the other rows are copied in
                found = [dict(row._mapping) for row in conn.execute(table.select())]
                if found:
                    rows[table.name] = found
            if uses_fts5(conn):
                rows[TABLE] = conn.execute(
                    text(f"SELECT rowid, title, body, kind, ref_id FROM {TABLE}")
                ).all()
        clear_tables()
        db.session.remove()
    return rows


def import_curriculum() -> None:
    from portal.learning import content_files

    content_files.import_curriculum(CONTENT)
    db.session.commit()


def load_curriculum(rows: dict) -> None:
    """The shipped curriculum as importing content/ stores it (rows from `_curriculum_rows`);
    imported for real when one of its tables already has rows."""
    from portal.search.indexing import TABLE

    db.session.commit()
    tables = [t for t in db.metadata.sorted_tables if t.name in rows]
    with db.engine.connect() as conn:
        in_use = any(conn.execute(table.select().limit(1)).first() for table in tables)
    if in_use:
        import_curriculum()
        return
    with db.engine.begin() as conn:
        for table in tables:
            conn.execute(table.insert(), rows[table.name])
        if TABLE in rows:
            conn.execute(
                text(
                    f"INSERT INTO {TABLE} (rowid, title, body, kind, ref_id) "
                    "VALUES (:rowid, :title, :body, :kind, :ref_id)"
                ),
                [row._asdict() for row in rows[TABLE]],
            )
    db.session.expire_all()


@pytest.fixture
def shipped_curriculum(app, _curriculum_rows):
    """The curriculum of content/ in the test database, as importing it stores it."""
    load_curriculum(_curriculum_rows)
    return CONTENT


@pytest.fixture
def client(app):
    return app.test_client()


class Browserless:
    """Helpers for a test client that posts forms with their CSRF token."""

    def __init__(self, client):
        self.client = client

    def token(self, path: str = "/") -> str:
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def post(self, path: str, data: dict | None = None, token_from: str | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(token_from or path_for_token(path)))
        return self.client.post(path, data=data, **kw)

    def login(self, email: str, password: str = PASSWORD, **extra):
        return self.post("/login", {"email": email, "password": password, **extra})

    def logout(self):
        return self.post("/logout", token_from="/")


def path_for_token(path: str) -> str:
    # Any page carries the token; POST-only routes borrow it from the home page.
    return (
        path
        if not re.search(r"/(logout|export|revoke|remove|invitations|trainers)\b", path)
        else "/"
    )


@pytest.fixture
def web(client):
    return Browserless(client)


@pytest.fixture
def cohort(app):
    return make_cohort("June workshop (fictional)")


@pytest.fixture
def participant(app, cohort):
    user = make_user("participant", display_name="Amihan Test")
    enrol(user, cohort)
    return user


@pytest.fixture
def trainer(app, cohort):
    user = make_user("trainer", display_name="Trainer Test")
    enrol(user, cohort, "trainer")
    return user


@pytest.fixture
def admin(app):
    return make_user("admin", display_name="Admin Test")


@pytest.fixture
def as_participant(web, participant):
    web.login(participant.email)
    return web


@pytest.fixture
def as_trainer(web, trainer):
    web.login(trainer.email)
    return web


@pytest.fixture
def as_admin(web, admin):
    web.login(admin.email)
    return web


class SMTPInbox:
    """A real local SMTP server (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """Start aiosmtpd on a free local port; yields (inbox, port)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail_app(app, smtp_server):
    """The app with its mail going to the local SMTP server; yields (app, inbox). The
    mail settings are read when mail is sent, so the shared app serves (settings restored
    for the next test)."""
    inbox, port = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    return app, inbox


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
