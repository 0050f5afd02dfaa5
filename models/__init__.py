"""The data: typed tables, their queries, and the rules about data alone. Imports no other room."""

from models import (
    audit,
    beneficiary,
    conversation,
    event,
    identity_move,
    inbound,
    list_upload_file,
    outbox,
    period,
    person,
    region,
    retention_outbox,
    web_login,
)
from models.base import Base

__all__ = [
    "Base",
    "audit",
    "beneficiary",
    "conversation",
    "event",
    "identity_move",
    "inbound",
    "list_upload_file",
    "outbox",
    "period",
    "person",
    "region",
    "retention_outbox",
    "web_login",
]
