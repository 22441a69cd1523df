"""progress summary

Revision ID: 0014
Revises: 0017

One row per participant and objective (objective 0: the person's totals) that the cohort
dashboard sums, and the triggers that mark a person's row stale when their readings done,
quiz summaries, posts per session or exercise summaries change.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    from portal.progress.models import trigger_statements

    op.create_table(
        "progress_summary",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("objective", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("refreshed", sa.Integer(), server_default="-1", nullable=False),
        sa.Column("catalogue_key", sa.String(length=40), server_default="", nullable=False),
        sa.Column("done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("earned", sa.Float(), server_default="0", nullable=False),
        sa.Column("pre", sa.Float(), nullable=True),
        sa.Column("post", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "objective"),
    )
    op.create_index(
        "ix_progress_summary_objective_done", "progress_summary", ["objective", "done"]
    )
    for statement in trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    bind = op.get_bind()
    tables = ("reading_progress", "quiz_summary", "session_post_summary", "exercise_summary")
    if bind.dialect.name == "postgresql":
        for table in tables:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_progress ON {table}")
        op.execute("DROP FUNCTION IF EXISTS progress_summary_stale()")
    else:
        for table in tables:
            for action in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_{action}_progress")
    op.drop_index("ix_progress_summary_objective_done", table_name="progress_summary")
    op.drop_table("progress_summary")
