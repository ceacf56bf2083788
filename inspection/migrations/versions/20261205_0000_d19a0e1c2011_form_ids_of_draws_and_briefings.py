"""A spot-check draw and a briefing remember the UUID of the form that made them: the same form sent twice (a double
tap on 抽取 or 生成通报, a resend) makes one draw with one set of planned inspections, and one briefing PDF

Revision ID: d19a0e1c2011
Revises: i14b0e1c2007
Create Date: 2026-12-05 00:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d19a0e1c2011"
down_revision = "i14b0e1c2007"
branch_labels = None
depends_on = None

TABLES = ("spot_check_draws", "briefings")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("client_id", sa.String(length=36), nullable=True))
            batch_op.create_unique_constraint(f"uq_{table}_client_id", ["client_id"])


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_client_id", type_="unique")
            batch_op.drop_column("client_id")
