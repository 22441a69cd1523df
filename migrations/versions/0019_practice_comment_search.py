"""site search finds comments on practices

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 09:00:00

Readers of the library find the comments shown on published practices (portal/search). On
SQLite the FTS5 table holds them under negative rowids (rowid = -comment id: the other
kinds take every positive residue of id * 4 + kind); the existing comments are copied in
here and the application keeps them in step from now on. On PostgreSQL a GIN expression
index serves the search query's to_tsvector('english', body) (see portal/search/queries.py).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

SEARCH_TABLE = "search_index"


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(f"DELETE FROM {SEARCH_TABLE} WHERE rowid < 0")
        op.execute(
            f"INSERT INTO {SEARCH_TABLE} (rowid, title, body, kind, ref_id) "
            "SELECT -c.id, '', replace(replace(c.body, char(2), ' '), char(3), ' '), "
            "'practice_comment', c.id FROM practice_comment AS c "
            "JOIN practice AS p ON p.id = c.practice_id "
            "WHERE c.is_hidden = 0 AND p.status = 'published'"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_search_practice_comment ON practice_comment "
            "USING gin (to_tsvector('english', body))"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(f"DELETE FROM {SEARCH_TABLE} WHERE rowid < 0")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_practice_comment")
