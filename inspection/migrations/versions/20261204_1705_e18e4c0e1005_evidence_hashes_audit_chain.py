"""Evidence hashes and the hash-chained audit log (issue 18)

Photos and signatures keep the SHA-256 of the stored image (filled in here from the stored bytes) and of the bytes
received (unknown for rows stored before: left empty). The audit log's existing entries are chained once, in id
order, with the canonical form of `inspection.audit_chain` (version 1, fixed), and the chain's head row is created.

Revision ID: e18e4c0e1005
Revises: d18s4c0e1004
Create Date: 2026-12-04 17:05:00

"""

import hashlib

import sqlalchemy as sa
from alembic import op

from inspection.audit_chain import GENESIS, HASHED_FIELDS, entry_hash

revision = "e18e4c0e1005"
down_revision = "d18s4c0e1004"
branch_labels = None
depends_on = None

BATCH = 1000

audit_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_name", sa.String),
    sa.column("ip", sa.String),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.String),
    sa.column("region_path", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("detail", sa.String),
    sa.column("prev_hash", sa.String),
    sa.column("entry_hash", sa.String),
)
stored_files = sa.table("stored_files", sa.column("id", sa.Integer), sa.column("data", sa.LargeBinary))
chain_head = sa.table(
    "audit_chain_head",
    sa.column("id", sa.Integer),
    sa.column("last_event_id", sa.Integer),
    sa.column("last_hash", sa.String),
    sa.column("length", sa.Integer),
)


def upgrade():
    for table in ("photos", "hazard_photos"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "hazard_photos":
                batch_op.add_column(sa.Column("upload_sha256", sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column("image_sha256", sa.String(length=64), nullable=True))
            if table == "hazard_photos":
                batch_op.add_column(sa.Column("taken_at", sa.DateTime(), nullable=True))
                batch_op.add_column(sa.Column("latitude", sa.Numeric(precision=9, scale=6), nullable=True))
                batch_op.add_column(sa.Column("longitude", sa.Numeric(precision=9, scale=6), nullable=True))
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("image_sha256", sa.String(length=64), nullable=True))
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=False, server_default=""))
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=True),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    connection = op.get_bind()
    for table in ("photos", "signatures", "hazard_photos"):
        _hash_stored_images(connection, table)
    _chain_existing_events(connection)


def _hash_stored_images(connection, table_name):
    """Fill in image_sha256 from the stored bytes, a batch of rows at a time."""
    table = sa.table(
        table_name, sa.column("id", sa.Integer), sa.column("file_id", sa.Integer), sa.column("image_sha256")
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(table.c.id, stored_files.c.data)
            .join(stored_files, stored_files.c.id == table.c.file_id)
            .where(table.c.id > last_id)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        for row in rows:
            digest = hashlib.sha256(row.data).hexdigest()
            connection.execute(sa.update(table).where(table.c.id == row.id).values(image_sha256=digest))
        if len(rows) < BATCH:
            return
        last_id = rows[-1].id


def _chain_existing_events(connection):
    """Link every existing entry to the one before it, in id order, and record the chain's head."""
    previous, last_event_id, length = GENESIS, None, 0
    columns = [audit_events.c.id, *(audit_events.c[name] for name in HASHED_FIELDS)]
    while True:
        rows = connection.execute(
            sa.select(*columns).where(audit_events.c.id > (last_event_id or 0)).order_by(audit_events.c.id).limit(BATCH)
        ).all()
        for row in rows:
            own = entry_hash({name: getattr(row, name) for name in HASHED_FIELDS}, previous)
            connection.execute(
                sa.update(audit_events).where(audit_events.c.id == row.id).values(prev_hash=previous, entry_hash=own)
            )
            previous, last_event_id, length = own, row.id, length + 1
        if len(rows) < BATCH:
            break
    connection.execute(
        sa.insert(chain_head).values(id=1, last_event_id=last_event_id, last_hash=previous, length=length)
    )


def downgrade():
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_column("image_sha256")
        batch_op.drop_column("received_sha256")
    with op.batch_alter_table("hazard_photos", schema=None) as batch_op:
        for column in ("longitude", "latitude", "taken_at", "image_sha256", "upload_sha256"):
            batch_op.drop_column(column)
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_column("image_sha256")
