"""hygiene: event.correction_of_id and beneficiary.unit_id indexed (lookups by these foreign keys)

Revision ID: 0009_hygiene
Revises: 0008
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_hygiene"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # "is this event already corrected?" and the corrections behind a number read by this column
    op.create_index("ix_event_correction_of_id", "event", ["correction_of_id"], unique=False)
    # a pekon's beneficiaries in units that never reported, among every list's rows
    op.create_index("ix_beneficiary_unit_id", "beneficiary", ["unit_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_beneficiary_unit_id", table_name="beneficiary")
    op.drop_index("ix_event_correction_of_id", table_name="event")
