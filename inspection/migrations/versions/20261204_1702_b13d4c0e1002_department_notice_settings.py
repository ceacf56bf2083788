"""Per-department notice settings and fire-hazard determinations (issue 13)

Revision ID: b13d4c0e1002
Revises: a13f4c0e1001
Create Date: 2026-12-04 17:02:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "b13d4c0e1002"
down_revision = "a13f4c0e1001"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
