"""Provincial scale (issue 16), the exports: submitted grading results indexed with what a trend compares (level,
score), so that exporting 20,000 facilities reads every facility's last two results from the index alone.

Revision ID: p16b0e1c2012
Revises: p16a0e1c2010
Create Date: 2026-12-05 00:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "p16b0e1c2012"
down_revision = "p16a0e1c2010"
branch_labels = None
depends_on = None

GRADING_SUBMITTED = "checklist_code = 'grading_gbt37276' AND status = 'submitted'"


def upgrade():
    op.create_index(
        "ix_inspection_checklists_grading_submitted",
        "inspection_checklists",
        ["inspection_id"],
        postgresql_include=["id", "verdict_code", "grade", "points"],
        postgresql_where=sa.text(GRADING_SUBMITTED),
        sqlite_where=sa.text(GRADING_SUBMITTED),
    )


def downgrade():
    op.drop_index("ix_inspection_checklists_grading_submitted", table_name="inspection_checklists")
