"""Per-department notice settings and fire-hazard determinations (issue 13)

Revision ID: b13d4c0e1002
Revises: a13f4c0e1001
Create Date: 2026-12-04 17:02:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b13d4c0e1002"
down_revision = "a13f4c0e1001"
branch_labels = None
depends_on = None

_TEXT_SETTINGS = ("inspection_basis", "order_basis", "consequence", "consequence_basis")


def upgrade():
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notice_title", sa.String(length=30), nullable=False, server_default="整改通知书")
        )
        batch_op.add_column(sa.Column("review_body", sa.String(length=100), nullable=False, server_default=""))
        for name in _TEXT_SETTINGS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fire_determination_no", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("fire_determined_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("fire_determination_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_hazards_fire_determination_by_id_users"), "users", ["fire_determination_by_id"], ["id"]
        )
    _fill_department_defaults()


def _fill_department_defaults():
    """Give the existing departments the defaults a new department gets (DOMAIN §15.3)."""
    from inspection.notices.settings import default_settings

    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT departments.id, departments.code, departments.short_code, regions.name"
            " FROM departments JOIN regions ON regions.id = departments.region_id"
        )
    ).all()
    for department_id, code, short_code, region_name in rows:
        settings = default_settings(code, short_code, region_name)
        connection.execute(
            sa.text(
                "UPDATE departments SET notice_title = :notice_title, review_body = :review_body,"
                " inspection_basis = :inspection_basis, order_basis = :order_basis, consequence = :consequence,"
                " consequence_basis = :consequence_basis WHERE id = :id"
            ),
            {
                "id": department_id,
                "notice_title": settings.notice_title,
                "review_body": settings.review_body,
                **{name: getattr(settings, name) for name in _TEXT_SETTINGS},
            },
        )


def downgrade():
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_hazards_fire_determination_by_id_users"), type_="foreignkey")
        batch_op.drop_column("fire_determination_by_id")
        batch_op.drop_column("fire_determined_on")
        batch_op.drop_column("fire_determination_no")
    with op.batch_alter_table("departments", schema=None) as batch_op:
        for name in reversed(_TEXT_SETTINGS):
            batch_op.drop_column(name)
        batch_op.drop_column("review_body")
        batch_op.drop_column("notice_title")
