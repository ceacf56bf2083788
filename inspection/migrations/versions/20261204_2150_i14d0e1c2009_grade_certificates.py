"""Published grades and their certificates (issue 14, step 6): level, numbers, validity, PDF hash, plaque return

Revision ID: i14d0e1c2009
Revises: i14c0e1c2008
Create Date: 2026-12-04 21:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i14d0e1c2009"
down_revision = "i14c0e1c2008"
branch_labels = None
depends_on = None

TABLE = "grade_certificates"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issuer", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("decision_number", sa.String(length=60), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("pdf_file_id", sa.Integer(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("signing_certificate_serial", sa.String(length=64), nullable=False),
        sa.Column("signing_certificate_sha256", sa.String(length=64), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("plaque_returned_on", sa.Date(), nullable=True),
        sa.Column("plaque_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["grading_applications.id"],
            name=op.f("fk_grade_certificates_application_id_grading_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facilities.id"], name=op.f("fk_grade_certificates_facility_id_facilities")
        ),
        sa.ForeignKeyConstraint(
            ["pdf_file_id"], ["stored_files.id"], name=op.f("fk_grade_certificates_pdf_file_id_stored_files")
        ),
        sa.ForeignKeyConstraint(
            ["plaque_recorded_by_id"], ["users.id"], name=op.f("fk_grade_certificates_plaque_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_grade_certificates_published_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["grade_certificates.id"],
            name=op.f("fk_grade_certificates_superseded_by_id_grade_certificates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade_certificates")),
        sa.UniqueConstraint("application_id", name=op.f("uq_grade_certificates_application_id")),
        sa.UniqueConstraint("number", name=op.f("uq_grade_certificates_number")),
        sa.UniqueConstraint("issuer", "year", "sequence", name=op.f("uq_grade_certificates_issuer_year_sequence")),
    )
    op.create_index(op.f("ix_grade_certificates_facility_id"), TABLE, ["facility_id"])
    op.create_index(op.f("ix_grade_certificates_valid_until"), TABLE, ["valid_until"])
    op.create_index(op.f("ix_grade_certificates_status"), TABLE, ["status"])
    op.create_index(op.f("ix_grade_certificates_pdf_sha256"), TABLE, ["pdf_sha256"])


def downgrade():
    for column in ("pdf_sha256", "status", "valid_until", "facility_id"):
        op.drop_index(op.f(f"ix_grade_certificates_{column}"), table_name=TABLE)
    op.drop_table(TABLE)
