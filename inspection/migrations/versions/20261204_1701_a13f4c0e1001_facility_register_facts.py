"""Facility register facts that decide which checklist items apply (issue 13)

Revision ID: a13f4c0e1001
Revises: 6cc53432558b
Create Date: 2026-12-04 17:01:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a13f4c0e1001"
down_revision = "6cc53432558b"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
