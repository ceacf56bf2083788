"""The inspection form flow (issue 17)

Revision ID: f17f4c0e1008
Revises: f27s4c0e1007
Create Date: 2026-12-04 17:08:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "f17f4c0e1008"
down_revision = "f27s4c0e1007"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
