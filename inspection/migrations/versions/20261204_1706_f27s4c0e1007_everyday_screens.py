"""Everyday screens: past inspections recorded explicitly, results returned with a reason (issue 17)

An inspection planned for a day already past is a record made after the fact (补录), marked so. A reviewer may
return (退回) a submitted grading result with a reason; the last return is kept on the result, every one in the
audit log.

Revision ID: f27s4c0e1007
Revises: e18e4c0e1005
Create Date: 2026-12-04 17:06:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f27s4c0e1007"
down_revision = "e18e4c0e1005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("inspections") as batch:
        batch.add_column(sa.Column("recorded_after_the_fact", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("inspection_checklists") as batch:
        batch.add_column(sa.Column("returned_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("returned_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("return_reason", sa.String(length=500), nullable=False, server_default=""))
        batch.create_foreign_key("fk_inspection_checklists_returned_by_id_users", "users", ["returned_by_id"], ["id"])


def downgrade():
    with op.batch_alter_table("inspection_checklists") as batch:
        batch.drop_constraint("fk_inspection_checklists_returned_by_id_users", type_="foreignkey")
        batch.drop_column("return_reason")
        batch.drop_column("returned_by_id")
        batch.drop_column("returned_at")
    with op.batch_alter_table("inspections") as batch:
        batch.drop_column("recorded_after_the_fact")
