"""mail html part

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 00:10:00

Every e-mail is rendered from a template with a text and an HTML part; the outbox keeps
both. Messages queued before have no HTML part (an empty string).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_html", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("body_html")
