"""双随机、一公开 spot-check draws and their picks (issue 15)

Revision ID: s15b0e1c2002
Revises: s15a0e1c2001
Create Date: 2026-12-04 20:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "s15b0e1c2002"
down_revision = "s15a0e1c2001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "spot_check_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("drawn_by_id", sa.Integer(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(), nullable=False),
        sa.Column("checklist_code", sa.String(length=50), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("facility_candidates", sa.JSON(), nullable=False),
        sa.Column("inspector_candidates", sa.JSON(), nullable=False),
        sa.Column("facility_count", sa.Integer(), nullable=False),
        sa.Column("inspectors_per_facility", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], name="fk_spot_check_draws_department_id_departments"),
        sa.ForeignKeyConstraint(["drawn_by_id"], ["users.id"], name="fk_spot_check_draws_drawn_by_id_users"),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name="fk_spot_check_draws_region_id_regions"),
        sa.PrimaryKeyConstraint("id", name="pk_spot_check_draws"),
    )
    op.create_index("ix_spot_check_draws_region_id", "spot_check_draws", ["region_id"])
    op.create_index("ix_spot_check_draws_drawn_at", "spot_check_draws", ["drawn_at"])
    op.create_table(
        "spot_check_picks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("inspector_ids", sa.JSON(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["draw_id"], ["spot_check_draws.id"], name="fk_spot_check_picks_draw_id_spot_check_draws"),
        sa.ForeignKeyConstraint(["facility_id"], ["facilities.id"], name="fk_spot_check_picks_facility_id_facilities"),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"], name="fk_spot_check_picks_inspection_id_inspections"),
        sa.PrimaryKeyConstraint("id", name="pk_spot_check_picks"),
        sa.UniqueConstraint("draw_id", "position", name="uq_spot_check_picks_draw_id_position"),
        sa.UniqueConstraint("inspection_id", name="uq_spot_check_picks_inspection_id"),
    )
    op.create_index("ix_spot_check_picks_draw_id", "spot_check_picks", ["draw_id"])


def downgrade():
    op.drop_index("ix_spot_check_picks_draw_id", table_name="spot_check_picks")
    op.drop_table("spot_check_picks")
    op.drop_index("ix_spot_check_draws_drawn_at", table_name="spot_check_draws")
    op.drop_index("ix_spot_check_draws_region_id", table_name="spot_check_draws")
    op.drop_table("spot_check_draws")
