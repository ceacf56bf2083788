"""Provincial scale (issue 16): the standings indexed by kind with their facility and date, so that the league table
sorted by a safety verdict's date reads every facility's date of that kind from the index alone.

Revision ID: p16g0e1c2017
Revises: p16f0e1c2016
Create Date: 2026-12-05 03:30:00

"""

from alembic import op

revision = "p16g0e1c2017"
down_revision = "p16f0e1c2016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_facility_standings_kind_dates", "facility_standings", ["kind", "facility_id", "decided_on"])


def downgrade():
    op.drop_index("ix_facility_standings_kind_dates", table_name="facility_standings")
