"""Facility register facts that decide which checklist items apply (issue 13): whether the facility has a campus or
internal roads (until now taken as true for every facility, so existing rows keep true) and whether it is a
消防安全重点单位

Revision ID: a13f4c0e1001
Revises: 6cc53432558b
Create Date: 2026-12-04 17:01:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a13f4c0e1001"
down_revision = "6cc53432558b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("has_campus_roads", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("is_key_fire_unit", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_column("is_key_fire_unit")
        batch_op.drop_column("has_campus_roads")
