"""dash: unit_report indexed by submitted_at (the dashboard's ledger version reads its max)

Revision ID: 0010_dash
Revises: 0009_hygiene
Create Date: 2026-11-30 02:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_dash"
down_revision: str | None = "0009_hygiene"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a re-sent report updates its row in place: its time is what tells the dashboard's cache
    op.create_index("ix_unit_report_submitted_at", "unit_report", ["submitted_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_unit_report_submitted_at", table_name="unit_report")
