"""Backups of the whole database, taken while the portal keeps serving, and their restore.

SQLite uses its online backup API: the copy is one consistent snapshot even while other
processes write (pages changed during the copy make it start over on that page set).
PostgreSQL uses pg_dump's custom format (a consistent snapshot in one transaction) and
pg_restore; both programs come with the PostgreSQL client package.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, Engine


class BackupError(Exception):
    """A plain reason a backup or a restore could not be made."""


def _libpq_url(url: URL) -> str:
    """The engine URL as libpq understands it (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client programs.")
    return path


def create_backup(engine: Engine, target: Path) -> int:
    """Write a backup of the database behind `engine` to `target`; returns its size in bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        with sqlite3.connect(engine.url.database) as src, sqlite3.connect(partial) as dst:
            src.backup(dst, pages=256)
        partial.replace(target)
    elif engine.dialect.name == "postgresql":
        done = subprocess.run(
            [_program("pg_dump"), "--format=custom", "--no-owner", "--file", str(target)]
            + [_libpq_url(engine.url)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError("pg_dump failed: " + done.stderr.strip().splitlines()[-1])
    else:
        raise BackupError(f"no backup method for {engine.dialect.name}")
    return target.stat().st_size


def restore_backup(engine: Engine, source: Path) -> None:
    """Replace the database behind `engine` with the backup in `source`.

    Stop the portal and its mail worker first: a restore rewrites every table."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
                problem = src.execute("PRAGMA integrity_check").fetchone()[0]
                if problem != "ok":
                    raise BackupError(f"the backup fails SQLite's integrity check: {problem}")
                with sqlite3.connect(engine.url.database) as dst:
                    src.backup(dst)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not a usable SQLite backup ({error})") from None
    elif engine.dialect.name == "postgresql":
        done = subprocess.run(
            [_program("pg_restore"), "--clean", "--if-exists", "--no-owner"]
            + ["--single-transaction", "--dbname", _libpq_url(engine.url), str(source)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError("pg_restore failed: " + done.stderr.strip().splitlines()[-1])
    else:
        raise BackupError(f"no restore method for {engine.dialect.name}")
