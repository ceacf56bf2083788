"""a hazard is on at most one current rectification notice; a notice is replaced once; one 复查意见书 per visit

Revision ID: 8e2b4c6d1f3a
Revises: 3c1d2e7f9a10
Create Date: 2026-12-04 14:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "8e2b4c6d1f3a"
down_revision = "3c1d2e7f9a10"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notice_hazards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("current_rectification", sa.Boolean(), nullable=False, server_default=sa.text("false"))
        )
    op.execute(
        "UPDATE notice_hazards SET current_rectification = true WHERE notice_id IN "
        "(SELECT id FROM notices WHERE kind = 'rectification' AND status = 'issued')"
    )
    with op.batch_alter_table("notice_hazards", schema=None) as batch_op:
        batch_op.create_index(
            "uq_notice_hazards_current",
            ["hazard_id"],
            unique=True,
            postgresql_where=sa.text("current_rectification"),
            sqlite_where=sa.text("current_rectification"),
        )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_notices_supersedes_id", ["supersedes_id"])
        batch_op.create_unique_constraint("uq_notices_reinspection_id", ["reinspection_id"])
    with op.batch_alter_table("reinspections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint("uq_reinspections_client_id", ["client_id"])


def downgrade():
    with op.batch_alter_table("reinspections", schema=None) as batch_op:
        batch_op.drop_constraint("uq_reinspections_client_id", type_="unique")
        batch_op.drop_column("client_id")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_constraint("uq_notices_reinspection_id", type_="unique")
        batch_op.drop_constraint("uq_notices_supersedes_id", type_="unique")
    with op.batch_alter_table("notice_hazards", schema=None) as batch_op:
        batch_op.drop_index("uq_notice_hazards_current")
        batch_op.drop_column("current_rectification")
