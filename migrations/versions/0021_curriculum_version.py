"""curriculum version

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 11:00:00

A one-row table holding the curriculum's version, and the triggers that raise it whenever a
row the progress catalogue reads changes (portal/learning/curriculum_version.py): workers
keep the catalogue by this number instead of reading the whole curriculum on each page.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    from portal.learning import curriculum_version

    curriculum_version.create(op.get_bind())


def downgrade():
    from portal.learning.curriculum_version import drop_statements

    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
