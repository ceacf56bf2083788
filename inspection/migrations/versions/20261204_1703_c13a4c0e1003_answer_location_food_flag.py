"""Where a failure was seen and whether it affects food safety (issue 13)

Revision ID: c13a4c0e1003
Revises: b13d4c0e1002
Create Date: 2026-12-04 17:03:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c13a4c0e1003"
down_revision = "b13d4c0e1002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=200), nullable=False, server_default=""))
    for table in ("answers", "answer_changes"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("location", sa.String(length=200), nullable=False, server_default=""))
            batch_op.add_column(
                sa.Column("affects_food_safety", sa.Boolean(), nullable=False, server_default=sa.false())
            )


def downgrade():
    for table in ("answer_changes", "answers"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("affects_food_safety")
            batch_op.drop_column("location")
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_column("location")
