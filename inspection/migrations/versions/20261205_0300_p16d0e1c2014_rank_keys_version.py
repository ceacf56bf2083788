"""Provincial scale (issue 16): a counter of the commits that changed the stored league-table keys, so that a server
process keeps a region's rank numbers while it stands, and a filtered or re-sorted page reads its 50 rows without
numbering every facility of the region.

Revision ID: p16d0e1c2014
Revises: p16c0e1c2013
Create Date: 2026-12-05 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "p16d0e1c2014"
down_revision = "p16c0e1c2013"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "rank_keys_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rank_keys_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade():
    op.drop_table("rank_keys_version")
