"""Storage: concurrent writers, migrations up/down/up, the health endpoint."""

from __future__ import annotations

import multiprocessing
import os

import pytest
from conftest import POSTGRES_URL
from conftest import test_settings as make_settings
from sqlalchemy import create_engine, func, inspect, select, text
from writers import profile_writer

from portal import create_app
from portal.audit import AuditEvent
from portal.extensions import db

WRITERS = 8
WRITES = 200


@pytest.mark.slow
def test_eight_writers_two_hundred_writes_each(app, database_url):
    from factories import PASSWORD, make_user

    emails = [make_user(email=f"writer{i}@example.test").email for i in range(WRITERS)]
    db.session.commit()  # the test holds no transaction while the writers run
    context = multiprocessing.get_context("spawn")
    instance = os.environ["PORTAL_INSTANCE"]
    with context.Pool(WRITERS) as pool:
        results = [
            pool.apply_async(profile_writer, (database_url, instance, email, PASSWORD, WRITES))
            for email in emails
        ]
        failures = [r.get(timeout=300) for r in results]
    assert failures == [0] * WRITERS
    stored = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "profile.updated")
    )
    assert stored == WRITERS * WRITES


def _migrate_round_trip(url: str) -> list[str]:
    from flask_migrate import check, downgrade, upgrade

    app = create_app(make_settings(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        upgrade()
        tables_up = sorted(inspect(db.engine).get_table_names())
        check()  # the migrations match the models: nothing left to autogenerate
        downgrade(revision="base")
        assert [t for t in inspect(db.engine).get_table_names() if t != "alembic_version"] == []
        upgrade()
        assert sorted(inspect(db.engine).get_table_names()) == tables_up
        db.engine.dispose()
    return tables_up


def test_migrations_up_down_up_sqlite(tmp_path):
    tables = _migrate_round_trip(f"sqlite:///{tmp_path / 'migrate.db'}")
    assert {"user", "cohort", "membership", "audit_event", "outbox_message"} <= set(tables)


@pytest.mark.skipif(not POSTGRES_URL, reason="PORTAL_TEST_DB is not set to PostgreSQL")
def test_migrations_up_down_up_postgresql():
    from portal.config import normalise_database_url

    admin_url = normalise_database_url(POSTGRES_URL)
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS portal_migration_check"))
        conn.execute(text("CREATE DATABASE portal_migration_check"))
    engine.dispose()
    target = admin_url.rsplit("/", 1)[0] + "/portal_migration_check"
    try:
        tables = _migrate_round_trip(target)
        assert {"user", "cohort", "membership"} <= set(tables)
    finally:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS portal_migration_check WITH (FORCE)"))
        engine.dispose()


def test_sqlite_runs_in_wal_mode(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_sqlite_write_transaction_waits_for_the_lock_and_reports_a_database_error(app):
    """A write transaction takes the lock at BEGIN IMMEDIATE; when another connection holds
    it past the busy timeout, the failure reaches the app as SQLAlchemy's OperationalError
    (which the 503 handler and the retry rule read), not as the driver's bare error."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    def short_wait(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", short_wait)
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="database is locked"):
            with db.engine.begin() as conn:
                conn.execute(text("SELECT 1"))
        holder.execute("ROLLBACK")
        with db.engine.begin() as conn:  # the lock is free again: BEGIN IMMEDIATE succeeds
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        holder.close()
        event.remove(db.engine, "connect", short_wait)
        db.engine.dispose()


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok" and response.get_json()["database"] == "ok"


def test_healthz_unavailable(tmp_path):
    broken = f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite'}"
    app = create_app(make_settings(SQLALCHEMY_DATABASE_URI=broken))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == response.get_json()["database"] == "unavailable"
    with app.app_context():
        db.engine.dispose()
