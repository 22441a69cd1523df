"""hardening: revocable sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 08:30:00

Every user gets a session generation; sign-out, password change, deactivation and
deletion bump it so that sessions and remember-me cookies made before stop working.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
