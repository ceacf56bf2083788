"""Provincial scale (issue 16): the index of open hazards per facility holds whether a hazard was self-found, so
that the counts of overdue hazards (which leave those out) read the index alone instead of every open hazard's row:
the league table sorted by overdue hazards counts them for the whole region.

Revision ID: p16f0e1c2016
Revises: p16e0e1c2015
Create Date: 2026-12-05 03:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "p16f0e1c2016"
down_revision = "p16e0e1c2015"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('open', 'evidence_submitted')")


def _recreate(columns):
    op.drop_index("ix_hazards_open_facility", table_name="hazards")
    op.create_index("ix_hazards_open_facility", "hazards", columns, postgresql_where=OPEN, sqlite_where=OPEN)


def upgrade():
    _recreate(["facility_id", "item_class", "deadline", "self_found"])


def downgrade():
    _recreate(["facility_id", "item_class", "deadline"])
