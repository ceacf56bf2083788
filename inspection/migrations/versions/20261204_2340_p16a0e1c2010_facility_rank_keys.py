"""Provincial scale (issue 16): the league table's keys stored per facility, kept current by the transactions that
change results, so that a page of a table of 20,000 facilities reads one narrow table; standings
indexed by date (the stored keys hold while no standing is dated after today). The keys of existing data are
computed once the upgrade reaches the head (migrations/env.py), by the code of that head.

Revision ID: p16a0e1c2010
Revises: i14d0e1c2009
Create Date: 2026-12-04 23:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "p16a0e1c2010"
down_revision = "i14d0e1c2009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "facility_rank_keys",
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("grp", sa.Integer(), nullable=False),
        sa.Column("rank_level", sa.Integer(), nullable=False),
        sa.Column("rank_score", sa.Double(), nullable=False),
        sa.Column("open_major", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100).with_variant(sa.String(100, collation="C"), "postgresql"), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("ownership", sa.String(length=30), nullable=False),
        sa.Column("grade_code", sa.String(length=30), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("grade_score", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("open_hazards", sa.Integer(), nullable=False),
        sa.Column("first_deadline", sa.Date(), nullable=True),
        sa.Column("blacklisted", sa.Boolean(), nullable=False),
        sa.Column("level_change", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["facility_id"], ["facilities.id"], name="fk_facility_rank_keys_facility_id_facilities"),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name="fk_facility_rank_keys_region_id_regions"),
        sa.PrimaryKeyConstraint("facility_id", name="pk_facility_rank_keys"),
    )
    op.create_index("ix_facility_rank_keys_region_id", "facility_rank_keys", ["region_id"])
    op.create_index("ix_facility_standings_decided_on", "facility_standings", ["decided_on"])


def downgrade():
    op.drop_index("ix_facility_standings_decided_on", table_name="facility_standings")
    op.drop_index("ix_facility_rank_keys_region_id", table_name="facility_rank_keys")
    op.drop_table("facility_rank_keys")
