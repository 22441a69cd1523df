"""quiz retired

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 09:00:00

A whole quiz can be retired (hidden from participants, attempts kept); existing quizzes
stay current through the server default.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_retired", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.drop_column("is_retired")
