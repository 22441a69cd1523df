"""library version: the library's facet counts are kept while the practices do not change

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 09:00:00

A one-row table whose version triggers change on every write to the columns the library's
facet counts and curriculum labels read (practice, practice_tag, objective,
curriculum_session); a worker keeps the counts under the version it read with them
(portal/practices/models.py LibraryVersion, queries._counts).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    from portal.practices.models import trigger_statements

    op.create_table(
        "library_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for statement in trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    from portal.practices.models import drop_statements

    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table("library_version")
