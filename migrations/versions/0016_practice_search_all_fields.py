"""practice search covers results and lessons on PostgreSQL

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-02 06:00:00

The library's free text matched a practice's results and lessons on SQLite (the FTS5 index
holds every text field) but only its title, summary and description on PostgreSQL. The GIN
index now covers the same fields; the search query's expression is the same (see
portal/search/queries.py, _practice_document).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None

NARROW = "title || ' ' || summary || ' ' || description"
WIDE = NARROW + " || ' ' || results || ' ' || lessons"


def _index(expression: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_search_practice")
    op.execute(
        "CREATE INDEX ix_search_practice ON practice USING gin "
        f"(to_tsvector('english', {expression}))"
    )


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _index(WIDE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _index(NARROW)
