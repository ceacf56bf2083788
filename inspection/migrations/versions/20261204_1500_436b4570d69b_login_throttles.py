"""login attempts counted per account and address, per address and per account, for growing delays

Revision ID: 436b4570d69b
Revises: 8e2b4c6d1f3a
Create Date: 2026-12-04 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "436b4570d69b"
down_revision = "8e2b4c6d1f3a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_throttles",
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("admitted", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("free_at", sa.DateTime(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "subject", name=op.f("pk_login_throttles")),
    )


def downgrade():
    op.drop_table("login_throttles")
