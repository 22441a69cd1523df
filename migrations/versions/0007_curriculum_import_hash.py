"""curriculum import fingerprints; invitation delivery and acceptance; organisation type shown

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 08:20:00

Each curriculum item remembers the fingerprint the last file import gave it, so an import
can tell what was changed in the browser since. A personal invitation points at the
message that carries it and records when it was accepted. A person can choose to show their
type of organisation.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CURRICULUM_TABLES = ("curriculum_session", "reading", "quiz", "question")


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "show_organisation_type", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    for table in CURRICULUM_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("import_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outbox_message_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("accepted_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            "fk_invitation_outbox_message_id_outbox_message",
            "outbox_message",
            ["outbox_message_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_invitation_outbox_message_id_outbox_message", type_="foreignkey"
        )
        batch_op.drop_column("accepted_at")
        batch_op.drop_column("outbox_message_id")
    for table in reversed(CURRICULUM_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("import_hash")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("show_organisation_type")
