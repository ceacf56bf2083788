"""Where a failure was seen and whether it affects food safety (issue 13)

Revision ID: c13a4c0e1003
Revises: b13d4c0e1002
Create Date: 2026-12-04 17:03:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "c13a4c0e1003"
down_revision = "b13d4c0e1002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=200), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_column("location")
