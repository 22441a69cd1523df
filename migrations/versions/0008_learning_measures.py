"""learning measures: answer-reveal policy, essay grading

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 08:20:00

A quiz says when its review reveals the right answers (existing quizzes get the default,
after the last attempt or a pass). Essay answers wait for a trainer's grade: the answer
row keeps its grading state, grader, time, comment and rubric points, and the attempt
counts the essays still awaiting a grade.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "reveal", sa.String(length=20), server_default="last_or_pass", nullable=False
            )
        )
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("awaiting_grading", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("attempt_answer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("grading_state", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("grader_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("graded_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("grader_comment", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("rubric_points", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            "fk_attempt_answer_grader_id_user", "user", ["grader_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_attempt_answer_grading_state", ["grading_state"], unique=False)


def downgrade():
    with op.batch_alter_table("attempt_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_answer_grading_state")
        batch_op.drop_constraint("fk_attempt_answer_grader_id_user", type_="foreignkey")
        batch_op.drop_column("rubric_points")
        batch_op.drop_column("grader_comment")
        batch_op.drop_column("graded_at")
        batch_op.drop_column("grader_id")
        batch_op.drop_column("grading_state")
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.drop_column("awaiting_grading")
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.drop_column("reveal")
