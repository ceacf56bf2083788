"""Signed documents (issue 18): the certificate a notice is signed with; notices found by the SHA-256 of their PDF

Revision ID: d18s4c0e1004
Revises: c13a4c0e1003
Create Date: 2026-12-04 17:04:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d18s4c0e1004"
down_revision = "c13a4c0e1003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("signing_certificate_serial", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("signing_certificate_sha256", sa.String(length=64), nullable=True))
        batch.create_index("ix_notices_pdf_sha256", ["pdf_sha256"])


def downgrade():
    with op.batch_alter_table("notices") as batch:
        batch.drop_index("ix_notices_pdf_sha256")
        batch.drop_column("signing_certificate_sha256")
        batch.drop_column("signing_certificate_serial")
