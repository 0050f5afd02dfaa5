"""upload: a list file sent in chat is kept between its preview and "Ya, impor" (no second download)

Revision ID: 0012_upload
Revises: 0011_procs
Create Date: 2026-11-30 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = "0012_upload"
down_revision: str | None = "0011_procs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "list_upload_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_upload_file")),
        sa.UniqueConstraint("channel", "address", name=op.f("uq_list_upload_file_channel_address")),
    )


def downgrade() -> None:
    op.drop_table("list_upload_file")
