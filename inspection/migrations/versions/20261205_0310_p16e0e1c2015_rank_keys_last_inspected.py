"""Provincial scale (issue 16): the stored league-table keys keep the date of each facility's newest result, so that
the sort by the last inspection and the date filters read it instead of aggregating every standing of the region. The
keys of existing data are computed once the upgrade reaches the head (migrations/env.py).

Revision ID: p16e0e1c2015
Revises: p16d0e1c2014
Create Date: 2026-12-05 03:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "p16e0e1c2015"
down_revision = "p16d0e1c2014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("facility_rank_keys") as batch:
        batch.add_column(sa.Column("last_inspected", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("facility_rank_keys") as batch:
        batch.drop_column("last_inspected")
