"""Self-inspection (issue 15): hazards a facility found itself are marked, so that no notice, grade, ranking or
credit listing counts them

Revision ID: s15a0e1c2001
Revises: f17g4c0e1009
Create Date: 2026-12-04 20:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "s15a0e1c2001"
down_revision = "f17g4c0e1009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hazards") as batch:
        batch.add_column(sa.Column("self_found", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("hazards") as batch:
        batch.drop_column("self_found")
