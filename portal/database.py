"""Engine set-up: SQLite in WAL mode with a busy timeout and BEGIN IMMEDIATE for writes."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def configure_sqlite(engine: Engine) -> None:
    """Turn on WAL, a busy timeout and foreign keys, and take the write lock up front."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A read-only page starts a deferred transaction so readers never queue;
        # everything else takes the write lock at BEGIN, where the busy timeout
        # applies, instead of failing later when a read lock has to be upgraded.
        if (
            has_request_context()
            and request.method in READ_METHODS
            and not g.get("sqlite_write_lock")
        ):
            statement = "BEGIN"
        else:
            statement = "BEGIN IMMEDIATE"
        # Straight to the driver: a statement that returns no rows needs none of the
        # execution layer's work (a tenth of a signed-in page's time on SQLite when it went
        # through exec_driver_sql); its errors are wrapped as SQLAlchemy's would be.
        try:
            connection.connection.dbapi_connection.execute(statement)
        except sqlite3.Error as error:
            raise DBAPIError.instance(statement, None, error, sqlite3.Error) from error


def lost_read_snapshot(error: Exception) -> bool:
    """A read-only page's deferred transaction could not start writing on SQLite: another
    writer committed since it began reading, so its snapshot is out of date and SQLite
    refuses at once ("database is locked"), before any busy timeout. Retry with
    `write_lock_for_this_request`."""
    orig = getattr(error, "orig", error)
    return type(orig).__module__.startswith("sqlite3") and "database is locked" in str(orig)


def write_lock_for_this_request() -> None:
    """The rest of this read-only request writes: its next transaction on SQLite begins
    IMMEDIATE (queueing for the write lock under the busy timeout) instead of deferred."""
    g.sqlite_write_lock = True


def read_rows(statement, params: dict | None = None):
    """The result of a read-only statement of plain columns, run on the session's own
    connection and transaction: the same rows as `db.session.execute`, at less than half
    its cost (measured: 85 against 210 µs for the memberships look-up), because the ORM's
    execution layer has nothing to do for columns. Pending ORM changes are flushed first,
    as the session's autoflush would. Not for statements that load ORM entities."""
    from portal.extensions import db

    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params or {})


class _CompiledByIdentity:
    """A compiled cache (SQLAlchemy's `compiled_cache` execution option) for statements
    built once per process: it finds a statement's compiled form by the identity of its
    cache key, which such a statement keeps, instead of by the key's value. The engine's
    own cache hashes the whole key, a nested tuple of every element of the statement, at
    each execution: some 25 µs for the dashboard's largest. Each entry keeps its key
    alive, so an identity is never reused while kept; bounded, emptied when full."""

    def __init__(self, max_entries: int = 256) -> None:
        self._kept: dict = {}
        self._max_entries = max_entries

    def get(self, key, default=None):
        dialect, cache_key, *rest = key
        found = self._kept.get((id(dialect), id(cache_key), *rest))
        if found is None or found[0] is not dialect or found[1] is not cache_key:
            return default
        return found[2]

    def __setitem__(self, key, compiled) -> None:
        dialect, cache_key, *rest = key
        if len(self._kept) >= self._max_entries:
            self._kept.clear()
        self._kept[(id(dialect), id(cache_key), *rest)] = (dialect, cache_key, compiled)


# For driver_rows when statements are being counted: through SQLAlchemy, compiled once.
_BY_IDENTITY = {"compiled_cache": _CompiledByIdentity()}


class _DriverStatement:
    """What `driver_rows` needs of a statement compiled for a dialect: its text, its
    parameters' order (positional drivers) and processors, and its columns' types."""

    def __init__(self, statement, dialect) -> None:
        self.statement, self.dialect = statement, dialect  # kept: their ids stay theirs
        self.compiled = compiled = statement.compile(dialect=dialect)
        self.text = compiled.string
        self.order = compiled.positiontup if compiled.positional else None
        self.bind_processors = compiled._bind_processors
        self.types = [column.type for column in compiled._result_columns]
        self.processors: dict = {}  # by the driver's column types
        # The parameters by name, for the value of each the request does not give (a
        # constant the dialect's compiler added, such as SQLite's OFFSET 0), when none needs
        # more than its value; else SQLAlchemy's construct_params works them out.
        binds = compiled.binds
        simple = not any(b.expanding or b.callable or b.literal_execute for b in binds.values())
        self.defaults = {name: b for name, b in binds.items()} if simple else None

    def parameters(self, params: dict):
        if self.defaults is None:
            values = self.compiled.construct_params(params)
        else:
            # A parameter without a value must be given (KeyError otherwise).
            values = {
                name: params[name] if name in params or bind.required else bind.value
                for name, bind in self.defaults.items()
            }
        for name, process in self.bind_processors.items():
            if name in values:
                values[name] = process(values[name])
        return values if self.order is None else [values[name] for name in self.order]

    def rows(self, cursor) -> list:
        description = cursor.description
        driver_types = tuple(column[1] for column in description)
        processors = self.processors.get(driver_types)
        if processors is None:
            processors = self.processors[driver_types] = tuple(
                (n, process)
                for n, (kind, driver_type) in enumerate(zip(self.types, driver_types, strict=True))
                if (process := kind._cached_result_processor(self.dialect, driver_type))
            )
        rows = cursor.fetchall()
        if not processors:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for n, process in processors:
                row[n] = process(row[n])
            converted.append(tuple(row))
        return converted


_DRIVER_STATEMENTS: dict = {}


def driver_rows(statement, params: dict | None = None) -> list:
    """The rows (tuples, read by position) of a read-only statement of plain columns built
    once per process, as SQLAlchemy would return them (the same text, parameters and
    conversions of each column's type), sent straight to the driver on the session's
    connection: SQLAlchemy's execution layer costs more than SQLite takes to run the
    statement (about 90 µs a statement for the dashboard's two). When anything listens to
    the statements run (tests count them), it goes through SQLAlchemy as usual. Driver
    errors are wrapped as SQLAlchemy's would be, and a lost connection is invalidated."""
    from portal.extensions import db

    session = db.session()
    if session.autoflush:
        session.flush()
    connection = session.connection()
    dispatch = connection.dispatch
    if dispatch.before_cursor_execute or dispatch.after_cursor_execute:
        return connection.execute(statement, params or {}, execution_options=_BY_IDENTITY).all()
    dialect = connection.dialect
    key = (id(statement), id(dialect))
    kept = _DRIVER_STATEMENTS.get(key)
    if kept is None or kept.statement is not statement or kept.dialect is not dialect:
        if len(_DRIVER_STATEMENTS) >= 256:
            _DRIVER_STATEMENTS.clear()
        kept = _DRIVER_STATEMENTS[key] = _DriverStatement(statement, dialect)
    parameters = kept.parameters(params or {})
    errors = dialect.loaded_dbapi.Error
    driver_connection = connection.connection
    cursor = driver_connection.cursor()
    try:
        cursor.execute(kept.text, parameters)
        return kept.rows(cursor)
    except errors as error:
        # As SQLAlchemy does: a lost connection is invalidated (not rolled back or handed
        # out again by the pool) and the error says so.
        lost = dialect.is_disconnect(error, driver_connection.dbapi_connection, cursor)
        if lost:
            connection.invalidate(error)
        raise DBAPIError.instance(
            kept.text, parameters, error, errors, connection_invalidated=lost, dialect=dialect
        ) from error
    finally:
        cursor.close()
