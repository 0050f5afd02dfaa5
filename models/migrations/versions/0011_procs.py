"""procs: processed_message is also each person's queue of messages waiting for their turn

A message stored before its turn (by any process) waits with its content and its place in the
person's order; the next turn of that person, in whichever process, handles all of them in order.

Revision ID: 0011_procs
Revises: 0010_dash
Create Date: 2026-11-30 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = "0011_procs"
down_revision: str | None = "0010_dash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = sa.text("handled_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("processed_message") as batch:
        batch.add_column(sa.Column("address", sa.String(64), nullable=True))
        batch.add_column(sa.Column("position", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("message", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("handled_at", UTCDateTime(), nullable=True))
    op.execute("UPDATE processed_message SET handled_at = created_at")  # every earlier row was handled
    op.create_index(
        "ix_processed_message_waiting",
        "processed_message",
        ["channel", "address"],
        postgresql_where=WAITING,
        sqlite_where=WAITING,
    )


def downgrade() -> None:
    op.drop_index("ix_processed_message_waiting", table_name="processed_message")
    with op.batch_alter_table("processed_message") as batch:
        for column in ("handled_at", "message", "position", "address"):
            batch.drop_column(column)
