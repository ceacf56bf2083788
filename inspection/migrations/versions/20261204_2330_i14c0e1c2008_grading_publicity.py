"""The grading campaign's 公示 (issue 14, step 5): a decision's publicity period on the application, and the public's
objections (异议) with their review; decisions recorded before this get the default five working days from the
working day after their recording

Revision ID: i14c0e1c2008
Revises: d19a0e1c2011
Create Date: 2026-12-04 23:30:00

"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "i14c0e1c2008"
down_revision = "d19a0e1c2011"
branch_labels = None
depends_on = None

#: The shipped rules' `publicity_working_days` (inspection/campaign/data/shanxi.toml) when this was written.
DEFAULT_WORKING_DAYS = 5


def _next_working_day(day):
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def upgrade():
    with op.batch_alter_table("grading_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("publicity_starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("publicity_ends_on", sa.Date(), nullable=True))
    op.create_table(
        "grading_objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("submitter_name", sa.String(length=50), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=False),
        sa.Column("returned_to", sa.String(length=20), nullable=True),
        sa.Column("superseded_assessment_id", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["grading_applications.id"],
            name=op.f("fk_grading_objections_application_id_grading_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_grading_objections_reviewed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_assessment_id"],
            ["inspections.id"],
            name=op.f("fk_grading_objections_superseded_assessment_id_inspections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grading_objections")),
    )
    with op.batch_alter_table("grading_objections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grading_objections_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grading_objections_status"), ["status"], unique=False)
    applications = sa.table(
        "grading_applications",
        sa.column("id", sa.Integer()),
        sa.column("decided_at", sa.DateTime()),
        sa.column("publicity_starts_on", sa.Date()),
        sa.column("publicity_ends_on", sa.Date()),
    )
    connection = op.get_bind()
    decided = connection.execute(
        sa.select(applications.c.id, applications.c.decided_at).where(applications.c.decided_at.is_not(None))
    ).all()
    for application_id, decided_at in decided:
        starts_on = ends_on = _next_working_day(decided_at.date())
        for _ in range(DEFAULT_WORKING_DAYS - 1):
            ends_on = _next_working_day(ends_on)
        connection.execute(
            applications.update()
            .where(applications.c.id == application_id)
            .values(publicity_starts_on=starts_on, publicity_ends_on=ends_on)
        )


def downgrade():
    with op.batch_alter_table("grading_objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grading_objections_status"))
        batch_op.drop_index(batch_op.f("ix_grading_objections_application_id"))
    op.drop_table("grading_objections")
    with op.batch_alter_table("grading_applications", schema=None) as batch_op:
        batch_op.drop_column("publicity_ends_on")
        batch_op.drop_column("publicity_starts_on")
