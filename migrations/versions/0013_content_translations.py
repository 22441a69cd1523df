"""content translations

Revision ID: 0013
Revises: 0015
Create Date: 2026-12-01 09:00:00

Translations of the curriculum, one document per session and language (issue 14).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "content_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_number", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_translation")),
        sa.UniqueConstraint("session_number", "language", name="uq_translation_lang"),
    )
    with op.batch_alter_table("content_translation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_translation_session_number"), ["session_number"], unique=False
        )


def downgrade():
    with op.batch_alter_table("content_translation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_translation_session_number"))
    op.drop_table("content_translation")
