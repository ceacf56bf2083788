"""answer changes remember when the person made them on their device

Revision ID: 3c1d2e7f9a10
Revises: 6da3caee1241
Create Date: 2026-12-04 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3c1d2e7f9a10"
down_revision = "6da3caee1241"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("answer_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("answer_changes", schema=None) as batch_op:
        batch_op.drop_column("edited_at")
