"""head sex: KK counts by the head's sex in baselines and monthly snapshots

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SNAPSHOT_COLUMNS = ("awal_kk_l", "awal_kk_p", "akhir_kk_l", "akhir_kk_p")


def upgrade() -> None:
    with op.batch_alter_table("baseline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kk_l", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("kk_p", sa.Integer(), nullable=True))
    with op.batch_alter_table("unit_snapshot", schema=None) as batch_op:
        for name in SNAPSHOT_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unit_snapshot", schema=None) as batch_op:
        for name in reversed(SNAPSHOT_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("baseline", schema=None) as batch_op:
        batch_op.drop_column("kk_p")
        batch_op.drop_column("kk_l")
