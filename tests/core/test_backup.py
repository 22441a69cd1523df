"""Backup and restore: a backup taken while others write holds every row committed before
it began, and a restore brings exactly that state back (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlite3
import threading
import time

from sqlalchemy import create_engine, func, insert, select

from portal.audit import AuditEvent
from portal.extensions import db


def _writer(url: str, committed: list[int], stop: threading.Event) -> None:
    """Commit one audit row per transaction until told to stop; record each committed n."""
    engine = create_engine(url)
    n = 0
    try:
        while not stop.is_set():
            n += 1
            with engine.begin() as conn:
                conn.execute(
                    insert(AuditEvent.__table__).values(
                        action="backup.drill", detail={"n": n}, created_at=db.func.now()
                    )
                )
            committed.append(n)
    finally:
        engine.dispose()


def _drill_numbers() -> set[int]:
    rows = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "backup.drill"))
    return {row["n"] for row in rows}


def test_backup_under_concurrent_writes_restores_every_committed_row(app, tmp_path):
    url = db.engine.url.render_as_string(hide_password=False)
    db.session.commit()
    committed: list[int] = []
    stop = threading.Event()
    writer = threading.Thread(target=_writer, args=(url, committed, stop))
    writer.start()
    try:
        while len(committed) < 40:
            time.sleep(0.01)
        before = set(committed)  # committed before the backup began
        target = tmp_path / "portal.backup"
        result = app.test_cli_runner().invoke(args=["backup", "create", str(target)])
        assert result.exit_code == 0, result.output
        assert target.stat().st_size > 0
    finally:
        stop.set()
        writer.join(timeout=30)
    assert len(committed) > len(before)  # the writer kept writing during the backup

    # Something happens after the backup that the restore must undo.
    db.session.execute(AuditEvent.__table__.delete().where(AuditEvent.action == "backup.drill"))
    db.session.commit()
    assert _drill_numbers() == set()

    db.session.remove()
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output

    restored = _drill_numbers()
    assert before <= restored  # every row committed before the backup is back
    assert restored <= set(committed)  # and nothing that was never committed
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(db.engine.url.database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= len(before)


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    bogus = tmp_path / "not-a-backup"
    bogus.write_bytes(b"hello, this is no database")
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert "Error" in result.output
    assert "Traceback" not in result.output
