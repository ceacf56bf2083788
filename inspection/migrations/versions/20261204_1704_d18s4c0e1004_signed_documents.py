"""Signed documents (issue 18)

Revision ID: d18s4c0e1004
Revises: c13a4c0e1003
Create Date: 2026-12-04 17:04:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "d18s4c0e1004"
down_revision = "c13a4c0e1003"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
