"""practice tags: the facet index also holds the practice, so the library's counts read it alone

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-02 17:50:00

The library counts every value of every facet among the practices a reader finds. Through
an index of (facet, value) alone, SQLite looked up each tag's row for its practice; with
the practice in the index the counts read the index only (2,000 practices: 10.4 -> 3.8 ms
unfiltered, 9.9 -> 6.0 ms with two filters). The new index serves every look-up the old one
did (its first columns are the same), so it replaces it.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("practice_tag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_practice_tag_facet_value_practice", ["facet", "value", "practice_id"], unique=False
        )
        batch_op.drop_index("ix_practice_tag_facet_value")


def downgrade():
    with op.batch_alter_table("practice_tag", schema=None) as batch_op:
        batch_op.create_index("ix_practice_tag_facet_value", ["facet", "value"], unique=False)
        batch_op.drop_index("ix_practice_tag_facet_value_practice")
