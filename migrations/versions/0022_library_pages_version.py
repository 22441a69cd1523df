"""library pages version: the library's version also changes with its cards' columns

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 13:40:00

The trigger on updates of practice also watches the columns a library card shows (title,
summary, useful_count, published_at, adapts_id), so a worker keeps whole pages of the
library under the library's version (portal/practices/models.py WATCHED,
queries.library). On SQLite every trigger is made again, with an upsert instead of INSERT
OR REPLACE (which fails inside a foreign key's action, as when deleting a practice sets
its adaptations' adapts_id to NULL); SQLite creates a trigger only if it is missing, so
the old ones are dropped first. The downgrade keeps the upsert.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def _recreate(watched: dict) -> None:
    from portal.practices.models import trigger_statements

    dialect = op.get_bind().dialect.name
    for table in watched:
        for action in ("insert", "update", "delete"):
            on = f" ON {table}" if dialect == "postgresql" else ""
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_{action}_library{on}")
    for statement in trigger_statements(dialect, watched):
        op.execute(statement)


def upgrade():
    from portal.practices.models import WATCHED

    _recreate(WATCHED)


def downgrade():
    from portal.practices.models import WATCHED

    _recreate({**WATCHED, "practice": ("id", "status")})
