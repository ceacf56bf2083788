"""Evidence hashes and the hash-chained audit log (issue 18)

Revision ID: e18e4c0e1005
Revises: d18s4c0e1004
Create Date: 2026-12-04 17:05:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "e18e4c0e1005"
down_revision = "d18s4c0e1004"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
