"""question identity: the conversation's question counter and last keyboard

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("keyboard", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("keyboard")
        batch_op.drop_column("question")
