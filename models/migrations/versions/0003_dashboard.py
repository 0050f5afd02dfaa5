"""dashboard: kabupaten role scope, one-time sign-in links and web sessions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at() -> sa.Column[object]:
    return sa.Column("created_at", UTCDateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kabupaten_kode", sa.String(length=5), nullable=True))
        batch_op.create_index(batch_op.f("ix_member_kabupaten_kode"), ["kabupaten_kode"], unique=False)
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kabupaten_kode", sa.String(length=5), nullable=True))
    op.create_table(
        "web_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        _created_at(),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_web_link_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_link_token_hash")),
    )
    op.create_index(op.f("ix_web_link_member_id"), "web_link", ["member_id"], unique=False)
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        _created_at(),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_web_session_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_session_token_hash")),
    )
    op.create_index(op.f("ix_web_session_member_id"), "web_session", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_web_session_member_id"), table_name="web_session")
    op.drop_table("web_session")
    op.drop_index(op.f("ix_web_link_member_id"), table_name="web_link")
    op.drop_table("web_link")
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_column("kabupaten_kode")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_kabupaten_kode"))
        batch_op.drop_column("kabupaten_kode")
