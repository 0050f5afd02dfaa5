"""dashperf: audit_entry indexed by the entity it describes (a month's reopen history)

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-29 23:55:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # the pekon page reads a month's reopens among every audited action of every pekon
    op.create_index("ix_audit_entry_entity", "audit_entry", ["entity", "entity_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_entry_entity", table_name="audit_entry")
