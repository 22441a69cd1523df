"""public site: enquiries, countries trained, published cohorts

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01 08:30:00

Enquiries from the "Get involved" forms and their inbox notes; the programme's record of
countries trained (starting with the brochure's thirteen); cohorts become drafts until
published. Cohorts that already exist were public before, so they start published.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None

BROCHURE_COUNTRIES = ("BD", "KH", "CN", "IN", "ID", "KR", "MY", "MV", "MN", "NP", "PK", "PH", "TH")


def upgrade():
    op.create_table(
        "enquiry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("organisation", sa.String(length=160), nullable=False),
        sa.Column("organisation_type", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("expertise", sa.Text(), nullable=False),
        sa.Column("sessions", sa.String(length=60), nullable=False),
        sa.Column("agency", sa.String(length=160), nullable=False),
        sa.Column("duration", sa.String(length=60), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"],
            ["user.id"],
            name=op.f("fk_enquiry_assigned_to_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquiry")),
    )
    with op.batch_alter_table("enquiry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enquiry_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_enquiry_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_enquiry_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_enquiry_assigned_to_id"), ["assigned_to_id"], unique=False
        )
    op.create_table(
        "enquiry_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enquiry_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_enquiry_note_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["enquiry_id"],
            ["enquiry.id"],
            name=op.f("fk_enquiry_note_enquiry_id_enquiry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquiry_note")),
    )
    with op.batch_alter_table("enquiry_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enquiry_note_enquiry_id"), ["enquiry_id"], unique=False
        )
    country = op.create_table(
        "country_trained",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_country_trained")),
        sa.UniqueConstraint("code", name=op.f("uq_country_trained_code")),
    )
    op.bulk_insert(country, [{"code": code} for code in BROCHURE_COUNTRIES])
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_published", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(sa.text("UPDATE cohort SET is_published = :yes").bindparams(yes=True))


def downgrade():
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_column("is_published")
    op.drop_table("country_trained")
    with op.batch_alter_table("enquiry_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enquiry_note_enquiry_id"))
    op.drop_table("enquiry_note")
    with op.batch_alter_table("enquiry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enquiry_assigned_to_id"))
        batch_op.drop_index(batch_op.f("ix_enquiry_created_at"))
        batch_op.drop_index(batch_op.f("ix_enquiry_status"))
        batch_op.drop_index(batch_op.f("ix_enquiry_kind"))
    op.drop_table("enquiry")
