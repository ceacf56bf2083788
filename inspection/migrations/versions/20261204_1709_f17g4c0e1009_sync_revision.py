"""Incremental sync (issue 17): a submission queued offline carries the phone's UUID, so that a resend is held once

Revision ID: f17g4c0e1009
Revises: f17f4c0e1008
Create Date: 2026-12-04 17:09:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f17g4c0e1009"
down_revision = "f17f4c0e1008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("department_submissions") as batch:
        batch.add_column(sa.Column("client_id", sa.String(length=36), nullable=True))
        batch.create_unique_constraint("uq_department_submissions_client_id", ["client_id"])


def downgrade():
    with op.batch_alter_table("department_submissions") as batch:
        batch.drop_constraint("uq_department_submissions_client_id", type_="unique")
        batch.drop_column("client_id")
