"""The search index: an FTS5 table on SQLite kept in step with posts, threads, readings,
practices and comments on practices; on PostgreSQL the tables are searched directly through
GIN expression indexes."""

from __future__ import annotations

import re

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine

from portal.discussion.models import Post, Thread

TABLE = "search_index"
KINDS = {"post": 1, "thread": 2, "reading": 3}
KINDS["practice"] = 0  # published practices (portal.practices); rowid = id * 4
# Comments on practices take the negative rowids, rowid = -id: the four kinds above use
# every residue of id * 4 + kind among the positive ones, so no scheme there is free, and
# ids start at 1, so -id never meets them.
COMMENT = "practice_comment"
# Characters that mark matched terms in snippets; never stored in the index.
START, STOP = "\x02", "\x03"
_MARKERS = re.compile("[\x02\x03]")

SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "title, body, kind UNINDEXED, ref_id UNINDEXED, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
]
POSTGRES_DDL = [
    "CREATE INDEX IF NOT EXISTS ix_search_post_body ON post "
    "USING gin (to_tsvector('english', body))",
    "CREATE INDEX IF NOT EXISTS ix_search_thread_title ON thread "
    "USING gin (to_tsvector('english', title))",
]
POSTGRES_READING_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_search_reading ON reading "
    "USING gin (to_tsvector('english', title || ' ' || body))"
)


def rowid(kind: str, ref_id: int) -> int:
    """One rowid per indexed object, so an update replaces exactly its row."""
    if kind == COMMENT:
        return -ref_id
    return ref_id * 4 + KINDS[kind]


def uses_fts5(connection: Connection | Engine) -> bool:
    return connection.dialect.name == "sqlite"


def create_search_schema(engine: Engine) -> None:
    """Create the index for this database (used by the tests; migration 0004 does the same)."""
    with engine.begin() as conn:
        if uses_fts5(conn):
            for statement in SQLITE_DDL:
                conn.execute(text(statement))
            return
        for statement in POSTGRES_DDL:
            conn.execute(text(statement))
        if conn.dialect.has_table(conn, "reading"):
            conn.execute(text(POSTGRES_READING_DDL))
        if conn.dialect.has_table(conn, "practice"):
            conn.execute(text(POSTGRES_PRACTICE_DDL))
        if conn.dialect.has_table(conn, "practice_comment"):
            conn.execute(text(POSTGRES_COMMENT_DDL))


def clear_search_index(connection: Connection) -> None:
    """Empty the FTS table (it is not in the ORM metadata)."""
    if uses_fts5(connection):
        connection.execute(text(f"DELETE FROM {TABLE}"))


def _clean(value: str | None) -> str:
    return _MARKERS.sub(" ", value or "")


def _put(connection: Connection, kind: str, ref_id: int, title: str, body: str) -> None:
    _remove(connection, kind, ref_id)
    connection.execute(
        text(
            f"INSERT INTO {TABLE} (rowid, title, body, kind, ref_id) "
            "VALUES (:rowid, :title, :body, :kind, :ref_id)"
        ),
        {
            "rowid": rowid(kind, ref_id),
            "title": _clean(title),
            "body": _clean(body),
            "kind": kind,
            "ref_id": ref_id,
        },
    )


def _remove(connection: Connection, kind: str, ref_id: int) -> None:
    connection.execute(
        text(f"DELETE FROM {TABLE} WHERE rowid = :rowid"), {"rowid": rowid(kind, ref_id)}
    )


def index_post(connection: Connection, post: Post) -> None:
    """Index a post's text, or drop it when it is hidden or deleted (nobody finds those)."""
    if not uses_fts5(connection):
        return
    if post.is_hidden or post.is_deleted:
        _remove(connection, "post", post.id)
    else:
        _put(connection, "post", post.id, "", post.body)


def remove_post(connection: Connection, post_id: int) -> None:
    """Drop a post from the index."""
    if uses_fts5(connection):
        _remove(connection, "post", post_id)


def index_thread(connection: Connection, thread: Thread) -> None:
    """Index a thread's title."""
    if uses_fts5(connection):
        _put(connection, "thread", thread.id, thread.title, "")


def remove_thread(connection: Connection, thread_id: int) -> None:
    """Drop a thread from the index (its posts go by their own events or the cascade)."""
    if uses_fts5(connection):
        _remove(connection, "thread", thread_id)


def index_reading(connection: Connection, reading) -> None:
    """Index a reading's title and text; retired readings are dropped."""
    if not uses_fts5(connection):
        return
    if getattr(reading, "is_retired", False):
        _remove(connection, "reading", reading.id)
    else:
        _put(connection, "reading", reading.id, reading.title, reading.body)


def remove_reading(connection: Connection, reading_id: int) -> None:
    """Drop a reading from the index."""
    if uses_fts5(connection):
        _remove(connection, "reading", reading_id)


def reindex_all(connection: Connection) -> int:
    """Rebuild the FTS table from the tables; returns how many rows it holds."""
    if not uses_fts5(connection):
        return 0
    clear_search_index(connection)
    connection.execute(
        text(
            f"INSERT INTO {TABLE} (rowid, title, body, kind, ref_id) "
            "SELECT id * 4 + 1, '', replace(replace(body, char(2), ' '), char(3), ' '), "
            "'post', id FROM post WHERE is_hidden = 0 AND is_deleted = 0"
        )
    )
    connection.execute(
        text(
            f"INSERT INTO {TABLE} (rowid, title, body, kind, ref_id) "
            "SELECT id * 4 + 2, replace(replace(title, char(2), ' '), char(3), ' '), '', "
            "'thread', id FROM thread"
        )
    )
    if connection.dialect.has_table(connection, "reading"):
        connection.execute(
            text(
                f"INSERT INTO {TABLE} (rowid, title, body, kind, ref_id) "
                "SELECT id * 4 + 3, replace(replace(title, char(2), ' '), char(3), ' '), "
                "replace(replace(body, char(2), ' '), char(3), ' '), 'reading', id "
                "FROM reading WHERE is_retired = 0"
            )
        )
    if connection.dialect.has_table(connection, "practice"):
        connection.execute(
            text(
                f"INSERT INTO {TABLE} (rowid, title, body, kind, ref_id) "
                "SELECT id * 4, replace(replace(title, char(2), ' '), char(3), ' '), "
                "replace(replace(summary || ' ' || description || ' ' || results || ' ' "
                "|| lessons, char(2), ' '), char(3), ' '), 'practice', id "
                "FROM practice WHERE status = 'published'"
            )
        )
    if connection.dialect.has_table(connection, "practice_comment"):
        connection.execute(text(COMMENT_ROWS + " WHERE " + SHOWN_COMMENT))
    return connection.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one()


# The index follows every ORM write in the same transaction, so no service can forget it
# and a rolled-back post never shows up in search.


@event.listens_for(Post, "after_insert")
@event.listens_for(Post, "after_update")
def _post_written(_mapper, connection, post):
    index_post(connection, post)


@event.listens_for(Post, "after_delete")
def _post_deleted(_mapper, connection, post):
    remove_post(connection, post.id)


@event.listens_for(Thread, "after_insert")
@event.listens_for(Thread, "after_update")
def _thread_written(_mapper, connection, thread):
    index_thread(connection, thread)


@event.listens_for(Thread, "after_delete")
def _thread_deleted(_mapper, connection, thread):
    remove_thread(connection, thread.id)


def listen_to_readings(reading_model) -> None:
    """Keep readings in the index too (called once the learning models are loaded)."""
    if event.contains(reading_model, "after_insert", _reading_written):
        return
    event.listen(reading_model, "after_insert", _reading_written)
    event.listen(reading_model, "after_update", _reading_written)
    event.listen(reading_model, "after_delete", _reading_deleted)


def _reading_written(_mapper, connection, reading):
    index_reading(connection, reading)


def _reading_deleted(_mapper, connection, reading):
    remove_reading(connection, reading.id)


# ---- Practices (the good-practice exchange): only published ones are found ----------

POSTGRES_PRACTICE_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_search_practice ON practice "
    "USING gin (to_tsvector('english', title || ' ' || summary || ' ' || description "
    "|| ' ' || results || ' ' || lessons))"
)


def index_practice(connection: Connection, practice) -> None:
    """Index a published practice's title and texts; any other state drops it."""
    if not uses_fts5(connection):
        return
    if practice.status == "published":
        body = " ".join(
            (practice.summary, practice.description, practice.results, practice.lessons)
        )
        _put(connection, "practice", practice.id, practice.title, body)
    else:
        _remove(connection, "practice", practice.id)


def listen_to_practices(practice_model, comment_model) -> None:
    """Keep practices and their comments in the index (called once the practice models are
    loaded)."""
    if event.contains(practice_model, "after_insert", _practice_written):
        return
    event.listen(practice_model, "after_insert", _practice_written)
    event.listen(practice_model, "after_update", _practice_updated)
    event.listen(practice_model, "before_delete", _practice_going)
    event.listen(practice_model, "after_delete", _practice_deleted)
    event.listen(comment_model, "after_insert", _comment_written)
    event.listen(comment_model, "after_update", _comment_written)
    event.listen(comment_model, "after_delete", _comment_deleted)


def _practice_written(_mapper, connection, practice):
    index_practice(connection, practice)


def _practice_updated(_mapper, connection, practice):
    index_practice(connection, practice)
    # Archived, sent back or published again: its comments follow (history is still there
    # in after_update; the counters change through Core updates and fire nothing).
    if inspect(practice).attrs.status.history.has_changes():
        index_practice_comments(connection, practice.id)


def _practice_going(_mapper, connection, practice):
    # Before the row goes: the database's cascade takes the comments with it, unseen.
    if uses_fts5(connection):
        _remove_comments(connection, "c.practice_id = :id", {"id": practice.id})


def _practice_deleted(_mapper, connection, practice):
    if uses_fts5(connection):
        _remove(connection, "practice", practice.id)


# ---- Comments on practices: found while shown and their practice is published ----------

POSTGRES_COMMENT_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_search_practice_comment ON practice_comment "
    "USING gin (to_tsvector('english', body))"
)
# The FTS5 rows of comments (title empty: a result shows its practice's title), for the
# comments chosen by a condition on `c` (the comment) and `p` (its practice).
COMMENT_ROWS = (
    f"INSERT INTO {TABLE} (rowid, title, body, kind, ref_id) "
    "SELECT -c.id, '', replace(replace(c.body, char(2), ' '), char(3), ' '), "
    f"'{COMMENT}', c.id FROM practice_comment AS c JOIN practice AS p ON p.id = c.practice_id"
)
SHOWN_COMMENT = "c.is_hidden = 0 AND p.status = 'published'"


def _remove_comments(connection: Connection, where: str, params: dict) -> None:
    connection.execute(
        text(
            f"DELETE FROM {TABLE} WHERE rowid IN "
            f"(SELECT -c.id FROM practice_comment AS c WHERE {where})"
        ),
        params,
    )


def _index_comments(connection: Connection, where: str, params: dict) -> None:
    """Replace the rows of the chosen comments: the shown ones of published practices."""
    if not uses_fts5(connection):
        return
    _remove_comments(connection, where, params)
    connection.execute(text(f"{COMMENT_ROWS} WHERE {where} AND {SHOWN_COMMENT}"), params)


def index_practice_comment(connection: Connection, comment_id: int) -> None:
    """Index a comment while it is shown on a published practice; otherwise drop it."""
    _index_comments(connection, "c.id = :id", {"id": comment_id})


def index_practice_comments(connection: Connection, practice_id: int) -> None:
    """Index, or drop, every comment of a practice (its state changed)."""
    _index_comments(connection, "c.practice_id = :id", {"id": practice_id})


def _comment_written(_mapper, connection, comment):
    index_practice_comment(connection, comment.id)


def _comment_deleted(_mapper, connection, comment):
    if uses_fts5(connection):
        _remove(connection, COMMENT, comment.id)
