"""retention: the retention pass's watermark per kind of row (a run reads only what grew old since)

Revision ID: 0013_retention
Revises: 0012_upload
Create Date: 2026-12-01 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_retention"
down_revision: str | None = "0012_upload"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retention_mark",
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("after_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_retention_mark")),
    )


def downgrade() -> None:
    op.drop_table("retention_mark")
