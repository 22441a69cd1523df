"""The curriculum's version: one number, kept by the database, raised by triggers whenever a
row the progress catalogue reads changes (`progress.queries._catalogue_statement`).

A worker keeps the catalogue made from the curriculum by this number, so a page reads one
number instead of the whole curriculum, and a change made by any process (an import, an
editor, a shell) counts on the next request of every worker: no in-process signal is
involved. The table is raw DDL beside the ORM metadata, like the progress triggers: created
with them by `create_all` (the listener below) and by migration 0021, left alone by code
that empties every table of the metadata, and passed over by the migrations' model check
(migrations/env.py).

The version starts at a random number when the table is made, so that two databases (a
test's, a database made again) never share a version while a worker keeps catalogues
by version alone.
"""

from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, Column, Integer, MetaData, Table, event, select, text

from portal.extensions import db

TABLE = "curriculum_version"

# Every column the catalogue's statement reads, by table (a test compares the two): a
# change to one of them raises the version; changes to other columns (e.g. a reading's
# body) leave the kept catalogue in use.
WATCHED = {
    "curriculum_session": ("id", "number", "title", "exercise_template", "is_retired"),
    "session_objective": ("session_id", "objective_number"),
    "objective": ("number", "title", "description"),
    "reading": ("id", "session_id", "position", "slug", "title", "is_retired"),
    "quiz": ("id", "session_id", "kind", "is_retired"),
    "question": ("quiz_id", "objectives", "points", "is_retired"),
}

# Not in db.metadata (see above): its own metadata, for reading it in SQLAlchemy.
curriculum_version = Table(
    TABLE,
    MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
)


# The version (no row when the table was emptied by hand: readers then keep nothing).
CURRENT = select(curriculum_version.c.version).where(curriculum_version.c.id == 1)


def version_column():
    """The version as a column, to read in a statement a page already runs."""
    return CURRENT.scalar_subquery().label("curriculum_version")


_BUMP = f"UPDATE {TABLE} SET version = version + 1 WHERE id = 1"


def _sqlite_triggers() -> list[str]:
    statements = []
    for table, columns in WATCHED.items():
        for action in ("INSERT", f"UPDATE OF {', '.join(columns)}", "DELETE"):
            name = f"trg_{table}_{action.split()[0].lower()}_curriculum"
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {action} ON {table} "
                f"FOR EACH ROW BEGIN {_BUMP}; END"
            )
    return statements


def _postgresql_triggers() -> list[str]:
    statements = [
        "CREATE OR REPLACE FUNCTION curriculum_version_bump() RETURNS trigger AS $$ BEGIN "
        f"{_BUMP}; RETURN NULL; END $$ LANGUAGE plpgsql"
    ]
    for table, columns in WATCHED.items():
        statements.append(f"DROP TRIGGER IF EXISTS trg_{table}_curriculum ON {table}")
        statements.append(
            f"CREATE TRIGGER trg_{table}_curriculum AFTER INSERT OR UPDATE OF "
            f"{', '.join(columns)} OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION curriculum_version_bump()"
        )
    return statements


def trigger_statements(dialect: str) -> list[str]:
    """The DDL of the triggers that raise the version (also used by the migration)."""
    return _postgresql_triggers() if dialect == "postgresql" else _sqlite_triggers()


def drop_statements(dialect: str) -> list[str]:
    """The DDL that removes the triggers and the table (the migration's downgrade)."""
    if dialect == "postgresql":
        statements = [
            f"DROP TRIGGER IF EXISTS trg_{table}_curriculum ON {table}" for table in WATCHED
        ]
        statements.append("DROP FUNCTION IF EXISTS curriculum_version_bump()")
    else:
        statements = [
            f"DROP TRIGGER IF EXISTS trg_{table}_{action}_curriculum"
            for table in WATCHED
            for action in ("insert", "update", "delete")
        ]
    return [*statements, f"DROP TABLE IF EXISTS {TABLE}"]


def create(connection) -> None:
    """The table with its one row (at a random first version) and the triggers."""
    curriculum_version.create(connection, checkfirst=True)
    connection.execute(
        text(
            f"INSERT INTO {TABLE} (id, version) SELECT 1, :start WHERE NOT EXISTS "
            f"(SELECT 1 FROM {TABLE} WHERE id = 1)"
        ),
        {"start": secrets.randbits(62)},
    )
    for statement in trigger_statements(connection.dialect.name):
        connection.execute(text(statement))


def _create(target, connection, **_kw) -> None:
    create(connection)


event.listen(db.metadata, "after_create", _create)
