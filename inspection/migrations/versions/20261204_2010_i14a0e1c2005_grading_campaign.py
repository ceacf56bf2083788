"""The grading campaign (issue 14): whether a facility is a residential 养老机构 and so within the grading's scope
(DOMAIN §15.7), back-filled from its type (nursing homes, welfare centres and private homes are; day-care, village
mutual-aid and resettlement sites are not); the register facts eligibility reads (opening, filing, latest penalty);
applications with their self-assessment and eligibility review

Revision ID: i14a0e1c2005
Revises: s15c0e1c2003
Create Date: 2026-12-04 20:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i14a0e1c2005"
down_revision = "s15c0e1c2003"
branch_labels = None
depends_on = None

RESIDENTIAL_TYPES = ("nursing_home", "welfare_centre", "private_home")


def upgrade():
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_residential", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("opened_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("filed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_penalty_on", sa.Date(), nullable=True))
    facilities = sa.table("facilities", sa.column("type", sa.String), sa.column("is_residential", sa.Boolean))
    op.execute(facilities.update().where(facilities.c.type.in_(RESIDENTIAL_TYPES)).values(is_residential=True))
    op.create_table(
        "grading_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("checklist_version", sa.Integer(), nullable=False),
        sa.Column("self_assessment", sa.JSON(), nullable=False),
        sa.Column("self_score", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("self_level", sa.Integer(), nullable=True),
        sa.Column("applied_by_id", sa.Integer(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=False),
        sa.Column("refusals", sa.JSON(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["applied_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["facility_id"], ["facilities.id"]),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("grading_applications", schema=None) as batch_op:
        batch_op.create_index("ix_grading_applications_facility_id", ["facility_id"], unique=False)
        batch_op.create_index("ix_grading_applications_status", ["status"], unique=False)
        batch_op.create_index(
            "ux_grading_applications_open",
            ["facility_id"],
            unique=True,
            postgresql_where=sa.text("status IN ('submitted', 'accepted')"),
            sqlite_where=sa.text("status IN ('submitted', 'accepted')"),
        )


def downgrade():
    op.drop_table("grading_applications")
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_column("last_penalty_on")
        batch_op.drop_column("filed_on")
        batch_op.drop_column("opened_on")
        batch_op.drop_column("is_residential")
