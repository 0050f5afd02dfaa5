"""scope: the dashboard's scope versions count a kecamatan's reports and months from indexes alone

Revision ID: 0014_scope
Revises: 0013_retention
Create Date: 2026-12-01 05:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_scope"
down_revision: str | None = "0013_retention"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_unit_report_scope", "unit_report", ["unit_id", "submitted_at"])
    op.create_index("ix_pekon_month_scope", "pekon_month", ["pekon_kode", "status", "revision"])


def downgrade() -> None:
    op.drop_index("ix_pekon_month_scope", table_name="pekon_month")
    op.drop_index("ix_unit_report_scope", table_name="unit_report")
