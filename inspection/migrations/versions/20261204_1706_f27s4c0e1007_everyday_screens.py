"""Everyday screens: past inspections recorded explicitly, results returned with a reason (issue 17)

Revision ID: f27s4c0e1007
Revises: e18e4c0e1005
Create Date: 2026-12-04 17:06:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "f27s4c0e1007"
down_revision = "e18e4c0e1005"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
