"""The retention pass's walk over the outbox: by id, from a durable watermark, so a run reads only
the rows that grew old since the last one (not the millions it blanked before).

The walk passes rows in id order while they are old and done; it stops at the first row it must
leave whole for now: one still recent (ids follow creation time), still pending, or the target of
an edit still waiting to go (its edit shows that row's text). Such a row is seen again by the next
run. A conversation's keyboard older than the retention is let go as the walk passes its row: the
buttons of a month-old message stay on it, and a press on one is answered like any old button.
The watermark moves in the transaction that blanks the batch, so a crash never skips a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import BigInteger, String, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.conversation import Conversation
from models.outbox import OutboxMessage, OutboxStatus
from models.retention import BLANK, not_blank, rows_changed

OUTBOX = "outbox"


class RetentionMark(Base):
    """How far a kind of row has been walked: every row up to `after_id` is done with."""

    __tablename__ = "retention_mark"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    after_id: Mapped[int] = mapped_column(BigInteger)


async def read_mark(session: AsyncSession, kind: str) -> int:
    """The highest id of `kind` the walk has passed (0 before the first run)."""
    return int(await session.scalar(select(RetentionMark.after_id).where(RetentionMark.kind == kind)) or 0)


async def save_mark(session: AsyncSession, kind: str, after_id: int) -> None:
    """Move the watermark (in the caller's transaction: it commits with the batch it covers)."""
    moved = await session.execute(
        update(RetentionMark).where(RetentionMark.kind == kind).values(after_id=after_id)
    )
    if not rows_changed(moved):
        session.add(RetentionMark(kind=kind, after_id=after_id))
        await session.flush()


async def keyboards(session: AsyncSession) -> dict[int, int]:
    """Each outbox row a conversation's keyboard points at -> that conversation's id."""
    found = await session.execute(
        select(Conversation.keyboard["row"].as_integer(), Conversation.id).where(
            Conversation.keyboard.is_not(None)
        )
    )
    return {int(row): conv for row, conv in found.tuples() if row is not None}


async def edit_targets(session: AsyncSession) -> set[int]:
    """The rows whose text an edit still waiting to go will show."""
    found = await session.scalars(
        select(OutboxMessage.payload["edit"]["row"].as_integer()).where(
            OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    return {int(row) for row in found if row is not None}


async def blank_outbox_batch(
    session: AsyncSession, before: datetime, limit: int, held: Mapping[int, int]
) -> tuple[int, bool]:
    """Walk up to `limit` rows past the watermark, blank the payloads of those queued before
    `before` and done, and move the watermark past them. `held` is `keyboards()` as the run
    began. Returns (rows blanked, whether the walk stopped: a row left for later, or the end)."""
    after = await read_mark(session, OUTBOX)
    done = and_(OutboxMessage.created_at < before, OutboxMessage.status != OutboxStatus.PENDING)
    walk = select(OutboxMessage.id, done).where(OutboxMessage.id > after).order_by(OutboxMessage.id)
    rows = (await session.execute(walk.limit(limit))).tuples().all()
    passed = _leading_done(rows)
    stopped = len(passed) < limit
    await _let_keyboards_go(session, [held[i] for i in passed if i in held], passed)
    waiting = [row for row in await edit_targets(session) if row in set(passed)]
    if waiting:  # read after letting keyboards go: a turn that took one away first has queued its edit
        passed, stopped = [i for i in passed if i < min(waiting)], True
    if not passed:
        return 0, True
    blanked = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id > after,
            OutboxMessage.id <= passed[-1],
            OutboxMessage.status != OutboxStatus.PENDING,  # checked again under the row lock
            not_blank(OutboxMessage.payload),
        )
        .values(payload=BLANK)
        .execution_options(synchronize_session=False)
    )
    retried = await session.scalar(  # a dead row put back in the queue since it was read
        select(func.min(OutboxMessage.id)).where(
            OutboxMessage.id > after,
            OutboxMessage.id <= passed[-1],
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    )
    await save_mark(session, OUTBOX, retried - 1 if retried is not None else passed[-1])
    return rows_changed(blanked), stopped or retried is not None


def _leading_done(rows: Iterable[tuple[int, bool]]) -> list[int]:
    """The ids before the first row not yet done with."""
    passed: list[int] = []
    for row_id, done in rows:
        if not done:
            break
        passed.append(row_id)
    return passed


async def _let_keyboards_go(session: AsyncSession, conversations: list[int], rows: list[int]) -> None:
    """Forget the keyboards on `rows` of these conversations, unless a turn has moved them on."""
    if conversations:
        await session.execute(
            update(Conversation)
            .where(Conversation.id.in_(conversations), Conversation.keyboard["row"].as_integer().in_(rows))
            .values(keyboard=None, version=Conversation.version + 1)
            .execution_options(synchronize_session=False)
        )
