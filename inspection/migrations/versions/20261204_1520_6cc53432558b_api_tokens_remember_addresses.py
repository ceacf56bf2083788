"""API tokens remember the address they were issued to and last used from, for the user's page

Revision ID: 6cc53432558b
Revises: 2aecaa96d8f6
Create Date: 2026-12-04 15:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "6cc53432558b"
down_revision = "2aecaa96d8f6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_ip", sa.String(length=45), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("last_used_ip", sa.String(length=45), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_used_ip")
        batch_op.drop_column("created_ip")
