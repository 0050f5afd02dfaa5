"""beneficiary lists, their rows, and their matches against the ledger

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "beneficiary_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pekon_kode", sa.String(length=13), nullable=False),
        sa.Column("program", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.Column("imported_by_member_id", sa.Integer(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["pekon_kode"], ["pekon.kode"], name=op.f("fk_beneficiary_list_pekon_kode_pekon")),
        sa.ForeignKeyConstraint(["imported_by_member_id"], ["member.id"], name=op.f("fk_beneficiary_list_imported_by_member_id_member")),
        sa.ForeignKeyConstraint(["replaced_by_id"], ["beneficiary_list.id"], name=op.f("fk_beneficiary_list_replaced_by_id_beneficiary_list")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary_list")),
    )
    op.create_index("ix_beneficiary_list_pekon_program", "beneficiary_list", ["pekon_kode", "program"])
    op.create_table(
        "beneficiary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("nik", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("kk_number", sa.String(length=32), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_place", sa.String(length=120), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("dusun", sa.String(length=120), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("participant_no", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["list_id"], ["beneficiary_list.id"], name=op.f("fk_beneficiary_list_id_beneficiary_list"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_beneficiary_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary")),
    )
    op.create_index(op.f("ix_beneficiary_list_id"), "beneficiary", ["list_id"])
    op.create_index(op.f("ix_beneficiary_nik"), "beneficiary", ["nik"])
    op.create_table(
        "beneficiary_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pekon_kode", sa.String(length=13), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("event_person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("person_key", sa.String(length=200), nullable=False),
        sa.Column("decided_by_member_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiary.id"], name=op.f("fk_beneficiary_match_beneficiary_id_beneficiary"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_person_id"], ["event_person.id"], name=op.f("fk_beneficiary_match_event_person_id_event_person")),
        sa.ForeignKeyConstraint(["decided_by_member_id"], ["member.id"], name=op.f("fk_beneficiary_match_decided_by_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary_match")),
        sa.UniqueConstraint("beneficiary_id", "event_person_id", name=op.f("uq_beneficiary_match_beneficiary_id_event_person_id")),
    )
    op.create_index("ix_beneficiary_match_pekon_status", "beneficiary_match", ["pekon_kode", "status"])
    op.create_index(op.f("ix_beneficiary_match_beneficiary_id"), "beneficiary_match", ["beneficiary_id"])
    op.create_index(op.f("ix_beneficiary_match_event_person_id"), "beneficiary_match", ["event_person_id"])


def downgrade() -> None:
    op.drop_table("beneficiary_match")
    op.drop_table("beneficiary")
    op.drop_index("ix_beneficiary_list_pekon_program", table_name="beneficiary_list")
    op.drop_table("beneficiary_list")
