"""The grading campaign's on-site assessment and committee decision (issue 14): an application remembers the grading
inspection planned for its assessment team (who scheduled it, when) and the 评定委员会's decision (meeting date,
members, decided level, reasons, who recorded it, when)

Revision ID: i14b0e1c2007
Revises: i14a0e1c2005
Create Date: 2026-12-04 21:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i14b0e1c2007"
down_revision = "i14a0e1c2005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("grading_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assessment_inspection_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("assessment_scheduled_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("assessment_scheduled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("committee_met_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("committee_members", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("decided_level", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            "fk_grading_applications_assessment_inspection_id_inspections",
            "inspections",
            ["assessment_inspection_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            "fk_grading_applications_assessment_scheduled_by_id_users", "users", ["assessment_scheduled_by_id"], ["id"]
        )
        batch_op.create_foreign_key("fk_grading_applications_decided_by_id_users", "users", ["decided_by_id"], ["id"])


def downgrade():
    with op.batch_alter_table("grading_applications", schema=None) as batch_op:
        batch_op.drop_constraint("fk_grading_applications_decided_by_id_users", type_="foreignkey")
        batch_op.drop_constraint("fk_grading_applications_assessment_scheduled_by_id_users", type_="foreignkey")
        batch_op.drop_constraint("fk_grading_applications_assessment_inspection_id_inspections", type_="foreignkey")
        for column in (
            "decided_at",
            "decided_by_id",
            "decision_reason",
            "decided_level",
            "committee_members",
            "committee_met_on",
            "assessment_scheduled_at",
            "assessment_scheduled_by_id",
            "assessment_inspection_id",
        ):
            batch_op.drop_column(column)
