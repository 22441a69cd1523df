"""exchange tools: exercises, directory and messages, retired alumni categories

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-01 08:11:01

The exercise builder (exercises, their sections and items, and the per-user, per-session
summary row that progress reads); the opt-in directory, messages and blocks; alumni forum
categories can be retired (existing boards stay current through the server default).
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "direct_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("client_token", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["user.id"],
            name=op.f("fk_direct_message_recipient_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["user.id"],
            name=op.f("fk_direct_message_sender_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_direct_message")),
        sa.UniqueConstraint("sender_id", "client_token", name=op.f("uq_direct_message_sender_id")),
    )
    with op.batch_alter_table("direct_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_direct_message_pair", ["sender_id", "recipient_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_direct_message_recipient", ["recipient_id", "created_at"], unique=False
        )

    op.create_table(
        "directory_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("organisation", sa.String(length=160), nullable=False),
        sa.Column("organisation_type", sa.String(length=40), nullable=False),
        sa.Column("pillars", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_directory_entry_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_entry")),
        sa.UniqueConstraint("user_id", name=op.f("uq_directory_entry_user_id")),
    )
    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_directory_entry_country"), ["country"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_directory_entry_organisation_type"), ["organisation_type"], unique=False
        )

    op.create_table(
        "exercise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("client_token", sa.String(length=40), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("feedback_html", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_exercise_author_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user.id"],
            name=op.f("fk_exercise_reviewer_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["curriculum_session.id"],
            name=op.f("fk_exercise_session_id_curriculum_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["exercise.id"],
            name=op.f("fk_exercise_source_id_exercise"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise")),
        sa.UniqueConstraint("author_id", "client_token", name=op.f("uq_exercise_author_id")),
    )
    with op.batch_alter_table("exercise", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exercise_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_exercise_session_state", ["session_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_exercise_source_id"), ["source_id"], unique=False)

    op.create_table(
        "exercise_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("exercise_count", sa.Integer(), nullable=False),
        sa.Column("first_submitted_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["curriculum_session.id"],
            name=op.f("fk_exercise_summary_session_id_curriculum_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_exercise_summary_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_summary")),
        sa.UniqueConstraint("user_id", "session_id", name=op.f("uq_exercise_summary_user_id")),
    )
    with op.batch_alter_table("exercise_summary", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exercise_summary_user_id"), ["user_id"], unique=False)

    op.create_table(
        "message_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocked_id"],
            ["user.id"],
            name=op.f("fk_message_block_blocked_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"],
            ["user.id"],
            name=op.f("fk_message_block_blocker_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_block")),
        sa.UniqueConstraint("blocker_id", "blocked_id", name=op.f("uq_message_block_blocker_id")),
    )
    with op.batch_alter_table("message_block", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_block_blocker_id"), ["blocker_id"], unique=False
        )

    op.create_table(
        "exercise_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["exercise.id"],
            name=op.f("fk_exercise_section_exercise_id_exercise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_section")),
    )
    with op.batch_alter_table("exercise_section", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exercise_section_exercise_id"), ["exercise_id"], unique=False
        )

    op.create_table(
        "exercise_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["exercise_section.id"],
            name=op.f("fk_exercise_item_section_id_exercise_section"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_item")),
    )
    with op.batch_alter_table("exercise_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exercise_item_section_id"), ["section_id"], unique=False
        )

    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_retired", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.drop_column("is_retired")

    with op.batch_alter_table("exercise_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_item_section_id"))

    op.drop_table("exercise_item")
    with op.batch_alter_table("exercise_section", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_section_exercise_id"))

    op.drop_table("exercise_section")
    with op.batch_alter_table("message_block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_block_blocker_id"))

    op.drop_table("message_block")
    with op.batch_alter_table("exercise_summary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_summary_user_id"))

    op.drop_table("exercise_summary")
    with op.batch_alter_table("exercise", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_source_id"))
        batch_op.drop_index("ix_exercise_session_state")
        batch_op.drop_index(batch_op.f("ix_exercise_author_id"))

    op.drop_table("exercise")
    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_entry_organisation_type"))
        batch_op.drop_index(batch_op.f("ix_directory_entry_country"))

    op.drop_table("directory_entry")
    with op.batch_alter_table("direct_message", schema=None) as batch_op:
        batch_op.drop_index("ix_direct_message_recipient")
        batch_op.drop_index("ix_direct_message_pair")

    op.drop_table("direct_message")
