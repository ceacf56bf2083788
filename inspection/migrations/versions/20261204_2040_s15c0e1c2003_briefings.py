"""Issued joint-meeting briefings (issue 15): the signed PDF as issued with its SHA-256 and certificate

Revision ID: s15c0e1c2003
Revises: s15d0e1c2004
Create Date: 2026-12-04 20:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "s15c0e1c2003"
down_revision = "s15d0e1c2004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "briefings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("pdf_file_id", sa.Integer(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("signing_certificate_serial", sa.String(length=64), nullable=False),
        sa.Column("signing_certificate_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name=op.f("fk_briefings_issued_by_id_users")),
        sa.ForeignKeyConstraint(["pdf_file_id"], ["stored_files.id"], name=op.f("fk_briefings_pdf_file_id_stored_files")),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name=op.f("fk_briefings_region_id_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefings")),
    )
    op.create_index(op.f("ix_briefings_region_id"), "briefings", ["region_id"])
    op.create_index(op.f("ix_briefings_pdf_sha256"), "briefings", ["pdf_sha256"])


def downgrade():
    op.drop_index(op.f("ix_briefings_pdf_sha256"), table_name="briefings")
    op.drop_index(op.f("ix_briefings_region_id"), table_name="briefings")
    op.drop_table("briefings")
