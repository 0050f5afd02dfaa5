"""The admins' notice of dead webhook bodies (bot/inbound_store.py): how many are dead, and the
command that shows them.

A notice like the others (jobs/escalation.py): it waits while the quiet hours last, and carries the
notice template, so a WhatsApp admin outside their 24-hour window gets the template (its full text
follows when they write) instead of a text held until they happen to write. At most one an hour:
it is keyed by the hour the newest body went dead, so every body that dies within one hour, or
during one night's quiet hours, makes one notice, which counts them all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import OutgoingMessage, TemplateRef
from handlers.texts import operator_words
from jobs.context import JobContext, Schedule, month_label
from jobs.notify import send_to
from models.base import wib_date
from models.inbound import InboundPayload
from models.mutasi import members_with_role
from models.person import Role


async def tell_admins(session: AsyncSession, schedule: Schedule, now: datetime) -> int:
    """Queue the notice to every admin, unless the newest dead body's hour had one; returns how
    many rows were queued."""
    dead = InboundPayload.dead_at.is_not(None)
    found = await session.execute(select(func.count(), func.max(InboundPayload.dead_at)).where(dead))
    count, newest = found.one()
    if newest is None:
        return 0
    admins = await members_with_role(session, Role.ADMIN)
    params = (operator_words.INBOUND_DEAD_TEMPLATE_FOR, month_label(wib_date(now)))
    template = TemplateRef(schedule.notice_template, params)
    notice = OutgoingMessage(text=operator_words.INBOUND_DEAD_NOTICE.format(count=count), template=template)
    return await send_to(session, admins, notice, f"inbound-dead:{newest:%Y-%m-%dT%H}")


async def run_inbound_dead(ctx: JobContext, now: datetime) -> int:
    """The dead-body notice pass (outside the quiet hours); returns how many messages were queued."""
    if ctx.schedule.quiet(now):
        return 0
    async with ctx.pass_session("inbound-dead") as session:
        queued = await tell_admins(session, ctx.schedule, now)
        await session.commit()
    return queued
