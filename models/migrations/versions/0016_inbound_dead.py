"""inbound_dead: webhook bodies count their failed attempts, wait a backoff, and go dead at the limit

Revision ID: 0016_inbound_dead
Revises: 0015_mark
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0016_inbound_dead"
down_revision: str | None = "0015_mark"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_payload") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("next_attempt_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("dead_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_inbound_payload_dead_at"), ["dead_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbound_payload") as batch:
        batch.drop_index(batch.f("ix_inbound_payload_dead_at"))
        batch.drop_column("dead_at")
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
