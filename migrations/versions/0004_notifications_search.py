"""notifications and search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:00:00

Read positions, subscriptions and e-mail choices for the discussions; the search index
(an FTS5 table on SQLite, GIN expression indexes on PostgreSQL).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "thread_read",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("last_read_number", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["thread.id"],
            name=op.f("fk_thread_read_thread_id_thread"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_thread_read_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "thread_id", name=op.f("pk_thread_read")),
    )
    with op.batch_alter_table("thread_read", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_read_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("board_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(thread_id IS NULL) <> (board_id IS NULL)",
            name=op.f("ck_subscription_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["board.id"],
            name=op.f("fk_subscription_board_id_board"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["thread.id"],
            name=op.f("fk_subscription_thread_id_thread"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_subscription_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
        sa.UniqueConstraint("user_id", "board_id", name="uq_subscription_user_board"),
        sa.UniqueConstraint("user_id", "thread_id", name="uq_subscription_user_thread"),
    )
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscription_board_id"), ["board_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_subscription_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "notification_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email_mode", sa.String(length=10), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_notification_preference_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_preference")),
    )
    _create_search()


SEARCH_TABLE = "search_index"
PG_INDEXES = {
    "ix_search_post_body": "post USING gin (to_tsvector('english', body))",
    "ix_search_thread_title": "thread USING gin (to_tsvector('english', title))",
    "ix_search_reading": "reading USING gin (to_tsvector('english', title || ' ' || body))",
}


def _create_search():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
            "title, body, kind UNINDEXED, ref_id UNINDEXED, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        # Existing rows; from here on the application keeps the index in step.
        clean = "replace(replace({0}, char(2), ' '), char(3), ' ')"
        op.execute(
            f"INSERT INTO {SEARCH_TABLE} (rowid, title, body, kind, ref_id) "
            f"SELECT id * 4 + 1, '', {clean.format('body')}, 'post', id FROM post "
            "WHERE is_hidden = 0 AND is_deleted = 0"
        )
        op.execute(
            f"INSERT INTO {SEARCH_TABLE} (rowid, title, body, kind, ref_id) "
            f"SELECT id * 4 + 2, {clean.format('title')}, '', 'thread', id FROM thread"
        )
        op.execute(
            f"INSERT INTO {SEARCH_TABLE} (rowid, title, body, kind, ref_id) "
            f"SELECT id * 4 + 3, {clean.format('title')}, {clean.format('body')}, 'reading', id "
            "FROM reading WHERE is_retired = 0"
        )
    elif bind.dialect.name == "postgresql":
        for name, target in PG_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {target}")


def _drop_search():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    elif bind.dialect.name == "postgresql":
        for name in PG_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")


def downgrade():
    _drop_search()
    op.drop_table("notification_preference")
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscription_thread_id"))
        batch_op.drop_index(batch_op.f("ix_subscription_board_id"))
    op.drop_table("subscription")
    with op.batch_alter_table("thread_read", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_read_thread_id"))
    op.drop_table("thread_read")
