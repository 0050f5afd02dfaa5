"""The conversations' transcript harness (tests/handlers/transcript.py) over WhatsApp.

`WhatsAppChat` has `Chat`'s interface, but every line goes as a signed Cloud API webhook body
through the running app, and the replies are read back from the outbox rows that the worker
delivered to the fake Graph API (each one checked delivered, and shown as sent). So a transcript
written for the console passes over WhatsApp unchanged, or shows where the channel differs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from bot.messages import IncomingMessage, OutgoingMessage
from models.outbox import OutboxMessage, OutboxStatus
from models.person import Channel
from tests.bot.whatsapp.harness import FIXTURES, WhatsAppWorld, readable
from tests.handlers.transcript import Clock, offered_id, render

DELIVERED = {OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ}
_ids = itertools.count(1)


@dataclass
class Numbers:
    """A WhatsApp number for every name a transcript talks as."""

    assigned: dict[str, str] = field(default_factory=dict)

    def __call__(self, who: str) -> str:
        return self.assigned.setdefault(who, f"62811{len(self.assigned) + 1:07d}")


@dataclass
class WhatsAppChat:
    """One person of a transcript, talking over WhatsApp."""

    world: WhatsAppWorld
    who: str
    wa_id: str
    clock: Clock | None = None
    channel: Channel = Channel.WHATSAPP
    last: list[OutgoingMessage] = field(default_factory=list)

    def _incoming(self, **fields: Any) -> IncomingMessage:
        received = self.clock() if self.clock else self.world.clock()
        return IncomingMessage(
            channel=self.channel,
            sender_id=self.wa_id,
            external_id=f"wa-{next(_ids)}",
            received_at=received,
            **fields,
        )

    async def send(self, message: IncomingMessage) -> str:
        """Post the message as a webhook body; the replies as one text, as `Chat.send` gives them."""
        phone = self.world.phone(self.wa_id, self.who.title())
        fixture, fields = self._shape(message)
        body = phone.body(fixture, id=f"wamid.{message.external_id}", **fields)
        seen = await self._last_row_id()
        assert (await self.world.post(body)).status_code == 200
        await self.world.settle()
        self.last = await self._delivered_since(seen)
        return "\n".join(render(m) for m in self.last)

    async def say(self, text: str) -> str:
        """Type a line."""
        return await self.send(self._incoming(text=text))

    async def tap(self, choice_id: str) -> str:
        """Press a button of the last replies (a reply button: WhatsApp sends its id)."""
        return await self.send(self._incoming(choice_id=offered_id(self.last, choice_id)))

    async def sends(self, **fields: Any) -> str:
        """Send something else (unsupported=..., contact_phone=...)."""
        return await self.send(self._incoming(**fields))

    async def script(self, *lines: str) -> list[str]:
        """Type several lines."""
        return [await self.say(line) for line in lines]

    def _shape(self, message: IncomingMessage) -> tuple[str, dict[str, Any]]:
        """The recorded payload shape that carries this message, and its fields."""
        if message.choice_id is not None:
            reply = {"id": message.choice_id, "title": message.choice_id[:20]}
            return "button_reply", {"interactive": {"type": "button_reply", "button_reply": reply}}
        if message.unsupported is not None:
            kind = message.unsupported
            return (kind if (FIXTURES / f"{kind}.json").exists() else "unsupported"), {}
        if message.contact_phone is not None:
            phone = f"+{self.wa_id}" if message.contact_is_own else message.contact_phone
            card = {"name": {"formatted_name": "Kontak"}, "phones": [{"phone": phone, "type": "CELL"}]}
            return "contacts", {"contacts": [card]}
        return "text", {"text": {"body": message.text or ""}}

    async def _last_row_id(self) -> int:
        async with self.world.sessionmaker() as session:
            return int(await session.scalar(select(func.max(OutboxMessage.id))) or 0)

    async def _delivered_since(self, seen: int) -> list[OutgoingMessage]:
        """The replies queued to us by this turn; each must have reached the fake Graph API."""
        async with self.world.sessionmaker() as session:
            rows = list(
                await session.scalars(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.channel == Channel.WHATSAPP,
                        OutboxMessage.address == self.wa_id,
                        OutboxMessage.id > seen,
                    )
                    .order_by(OutboxMessage.id)
                )
            )
        replies = []
        for row in rows:
            assert row.status in DELIVERED, (
                f"reply {row.id} not delivered: {row.status} {row.last_error} attempts {row.attempts} "
                f"due {row.next_attempt_at} created {row.created_at} now {self.world.clock()}"
            )
            shown = readable(self.world.graph.by_wamid[str(row.platform_message_id)])
            message = OutgoingMessage.from_payload(row.payload)
            assert len(message.text) > 1000 or message.text in shown, (message.text, shown)
            replies.append(message)
        return replies
