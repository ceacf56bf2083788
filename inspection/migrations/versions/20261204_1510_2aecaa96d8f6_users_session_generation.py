"""users carry a session generation: logout, a password change or disabling moves it on and ends their sessions

Revision ID: 2aecaa96d8f6
Revises: 436b4570d69b
Create Date: 2026-12-04 15:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "2aecaa96d8f6"
down_revision = "436b4570d69b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
