"""The WhatsApp webhook's database steps: stored bodies, the 24-hour window, delivery statuses."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.whatsapp import FORCE_TEMPLATE, OUTSIDE_WINDOW, WINDOW_CLOSED
from bot.channels.whatsapp_payload import StatusUpdate
from bot.config import Settings
from bot.messages import Channel, IncomingMessage, OutgoingMessage, TemplateRef
from handlers.texts import channel_words
from models.inbound import InboundPayload
from models.outbox import OutboxMessage, OutboxStatus, enqueue
from models.person import Identity

HOLD_DAYS = 7  # held (window-closed) messages older than this are not released any more
WINDOW = timedelta(hours=24)
SENT = (OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ)
NO_FOLLOW_UP_KINDS = {"reminder", "late_notice"}  # OutgoingMessage.extra["kind"] whose template says it all
STATUS_RANK = {OutboxStatus.SENT: 1, OutboxStatus.DELIVERED: 2, OutboxStatus.READ: 3, OutboxStatus.FAILED: 4}


async def mark_processed(session: AsyncSession, done: dict[int, str | None], now: datetime) -> None:
    """The bodies are done; each id's note names what of it could not be read (kinds, never content)."""
    plain = [payload_id for payload_id, note in done.items() if not note]
    if plain:
        await session.execute(
            update(InboundPayload).where(InboundPayload.id.in_(plain)).values(processed_at=now, error=None)
        )
    for payload_id, note in done.items():
        if note:
            await session.execute(
                update(InboundPayload)
                .where(InboundPayload.id == payload_id)
                .values(processed_at=now, error=note[:500])
            )


async def touch_windows(session: AsyncSession, messages: list[IncomingMessage]) -> None:
    """Move each sender's last inbound time forward (also for an identity created by this turn)."""
    latest: dict[str, datetime] = {}
    for message in messages:
        latest[message.sender_id] = max(
            message.received_at, latest.get(message.sender_id, message.received_at)
        )
    table = Identity.__table__
    assert isinstance(table, Table)
    await session.execute(
        table.update()
        .where(
            table.c.channel == Channel.WHATSAPP,
            table.c.address == bindparam("sender"),
            or_(table.c.last_inbound_at.is_(None), table.c.last_inbound_at < bindparam("at")),
        )
        .values(last_inbound_at=bindparam("at")),
        [{"sender": sender, "at": at} for sender, at in latest.items()],
    )


async def release_held(session: AsyncSession, addresses: set[str], now: datetime) -> None:
    """The people wrote, so their windows are open: messages held for them go back in the queue."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == Channel.WHATSAPP,
            OutboxMessage.address.in_(addresses),
            OutboxMessage.status == OutboxStatus.DEAD,
            OutboxMessage.last_error.endswith(WINDOW_CLOSED, autoescape=True),  # the worker prefixes it
            OutboxMessage.created_at > now - timedelta(days=HOLD_DAYS),
        )
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, last_error=None)
    )


async def follow_up(session: AsyncSession, addresses: set[str], now: datetime) -> int:
    """The people wrote: a message that went out as its template while the window was closed now
    follows in full (a notice's details), once. Call before `touch_windows`. Returns how many."""
    found = await session.execute(
        select(Identity.address, Identity.last_inbound_at).where(
            Identity.channel == Channel.WHATSAPP, Identity.address.in_(addresses)
        )
    )
    previous: dict[str, datetime | None] = {address: at for address, at in found.all()}
    if not previous:  # nobody registered: nothing was ever sent to them as a template
        return 0
    rows = await session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.channel == Channel.WHATSAPP,
            OutboxMessage.address.in_(previous),
            OutboxMessage.status.in_(SENT),
            OutboxMessage.created_at > now - timedelta(days=HOLD_DAYS),
        )
    )
    due = [row for row in rows if _went_as_template(row, previous[row.address])]
    if not due:
        return 0
    keys = {row.id: f"whatsapp-follow-up:{row.id}" for row in due}
    taken = set(
        await session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys.values()))
        )
    )
    for row in due:
        if keys[row.id] not in taken:
            extra = {k: v for k, v in row.payload.get("extra", {}).items() if k != FORCE_TEMPLATE}
            payload = {**{k: v for k, v in row.payload.items() if k != "template"}, "extra": extra}
            enqueue(
                session,
                channel=Channel.WHATSAPP,
                address=row.address,
                payload=payload,
                member_id=row.member_id,
                dedupe_key=keys[row.id],
            )
    return len(set(keys.values()) - taken)


def _went_as_template(row: OutboxMessage, previous_inbound: datetime | None) -> bool:
    extra = row.payload.get("extra", {})
    if not row.payload.get("template") or extra.get("kind") in NO_FOLLOW_UP_KINDS or row.sent_at is None:
        return False
    closed = previous_inbound is None or row.sent_at - previous_inbound >= WINDOW
    return closed or bool(extra.get(FORCE_TEMPLATE))


async def apply_status(session: AsyncSession, status: StatusUpdate, now: datetime) -> None:
    """Move an outbox row forward (statuses may arrive out of order); a 131047 failure re-queues
    the row as its template when it has one, else holds it until the person writes again."""
    row = await session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.channel == Channel.WHATSAPP, OutboxMessage.platform_message_id == status.wamid
        )
    )
    if row is None:
        return
    if status.status == OutboxStatus.FAILED and status.error_code == OUTSIDE_WINDOW:
        _after_window_failure(row, now)
        return
    if STATUS_RANK.get(OutboxStatus(status.status), 0) > STATUS_RANK.get(OutboxStatus(row.status), 0):
        row.status = status.status
        if status.status == OutboxStatus.FAILED:
            row.last_error = f"whatsapp: failed ({status.error_code} {status.error_title or ''})".strip()[
                :500
            ]


def _after_window_failure(row: OutboxMessage, now: datetime) -> None:
    if row.payload.get("template") and not row.payload.get("extra", {}).get(FORCE_TEMPLATE):
        extra = {**row.payload.get("extra", {}), FORCE_TEMPLATE: True}
        row.payload = {**row.payload, "extra": extra}
        row.status, row.next_attempt_at, row.last_error = OutboxStatus.PENDING, now, None
        row.platform_message_id = None
        return
    row.status, row.last_error = OutboxStatus.DEAD, WINDOW_CLOSED


def late_notice(settings: Settings) -> OutgoingMessage:
    """What a person gets when their message reached us after its 24-hour window had closed."""
    return OutgoingMessage(
        text=channel_words.WHATSAPP_LATE_NOTICE,
        template=TemplateRef(settings.whatsapp_late_template, ()),
        extra={"kind": "late_notice"},
    )


def notify_late(
    session: AsyncSession, answered: list[IncomingMessage], notice: OutgoingMessage, now: datetime
) -> None:
    """Meta delivered messages after their 24-hour window had closed (it retries for days), so the
    replies to them are held: each such sender gets `notice` (a template) once, saying the answer
    is ready and waits for them to write again, instead of silence. Called in the turn's own
    transaction (bot/dispatcher.py), so the notice is queued exactly when the turn commits."""
    late = {m.sender_id: m.external_id for m in reversed(answered) if now - m.received_at >= WINDOW}
    for address, first_late in late.items():
        enqueue(
            session,
            channel=Channel.WHATSAPP,
            address=address,
            payload=notice.to_payload(),
            dedupe_key=f"whatsapp-late:{first_late}"[:200],
        )
