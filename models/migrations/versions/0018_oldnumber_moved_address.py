"""oldnumber_moved_address: the addresses identities moved away from (WhatsApp's number change)

Revision ID: 0018_oldnumber_moved_address
Revises: 0017_lists_mark
Create Date: 2026-12-04 04:00:00

A message from the old number sent before the change may be handled after it: it is still the
person's (models/identity_move.py, `moved_to`), so the move is kept with the platform's time of it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0018_oldnumber_moved_address"
down_revision: str | None = "0017_lists_mark"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "moved_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("moved_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at", models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["identity.id"],
            name=op.f("fk_moved_address_identity_id_identity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moved_address")),
    )
    op.create_index("ix_moved_address_channel_address", "moved_address", ["channel", "address"])


def downgrade() -> None:
    op.drop_index("ix_moved_address_channel_address", table_name="moved_address")
    op.drop_table("moved_address")
