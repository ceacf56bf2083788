"""Provincial scale (issue 16): the stored league-table keys indexed in the ranking rule's order, so that the first
and last pages of the unfiltered table read 50 entries instead of sorting the keys of every facility of the region.

Revision ID: p16c0e1c2013
Revises: p16b0e1c2012
Create Date: 2026-12-05 00:35:00

"""

import sqlalchemy as sa
from alembic import op

revision = "p16c0e1c2013"
down_revision = "p16b0e1c2012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_facility_rank_keys_rank_order",
        "facility_rank_keys",
        ["grp", sa.text("rank_level DESC"), sa.text("rank_score DESC"), "open_major", "name", "facility_id"],
    )


def downgrade():
    op.drop_index("ix_facility_rank_keys_rank_order", table_name="facility_rank_keys")
