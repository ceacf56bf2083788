"""Data in and out (issue 15): register files kept between preview and import, and a change time on every record
the provincial export sends (facilities had one), indexed for `since`.

Revision ID: s15d0e1c2004
Revises: s15b0e1c2002
Create Date: 2026-12-04 20:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "s15d0e1c2004"
down_revision = "s15b0e1c2002"
branch_labels = None
depends_on = None

#: Table → the time its rows' change time starts from.
CHANGED_SINCE = {
    "inspections": "COALESCE(completed_at, created_at)",
    "hazards": "created_at",
    "notices": "issued_at",
}


def upgrade():
    op.create_table(
        "facility_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("plan_sha256", sa.String(length=64), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_facility_imports_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_imports")),
        sa.UniqueConstraint("token", name=op.f("uq_facility_imports_token")),
    )
    op.create_index(op.f("ix_facility_imports_user_id"), "facility_imports", ["user_id"], unique=False)
    for table, start in CHANGED_SINCE.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        op.execute(f"UPDATE {table} SET updated_at = {start}")
        with op.batch_alter_table(table) as batch:
            batch.alter_column("updated_at", existing_type=sa.DateTime(), nullable=False)
    for table in ("facilities", *CHANGED_SINCE):
        op.create_index(op.f(f"ix_{table}_updated_at"), table, ["updated_at"], unique=False)


def downgrade():
    for table in ("facilities", *CHANGED_SINCE):
        op.drop_index(op.f(f"ix_{table}_updated_at"), table_name=table)
    for table in CHANGED_SINCE:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_at")
    op.drop_index(op.f("ix_facility_imports_user_id"), table_name="facility_imports")
    op.drop_table("facility_imports")
