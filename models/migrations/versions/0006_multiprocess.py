"""multiprocess: an index on the outbox by chat

The WhatsApp window steps look up a person's recent outbox rows for every incoming body (held
messages, notices that went as templates); without this index each lookup read the whole outbox.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 23:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_outbox_message_chat", "outbox_message", ["channel", "address", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_message_chat", table_name="outbox_message")
