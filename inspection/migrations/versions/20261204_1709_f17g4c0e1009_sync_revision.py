"""Incremental sync: an inspection revision for conditional polling (issue 17)

Revision ID: f17g4c0e1009
Revises: f17f4c0e1008
Create Date: 2026-12-04 17:09:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "f17g4c0e1009"
down_revision = "f17f4c0e1008"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
