"""Signed but oddly shaped webhook bodies (issue 12, item 2), and inbound text that cannot be
encoded or stored (items 5, 6), over real HTTP: each shape seen in the wild is answered 200, the
good messages beside it are answered, the bad parts are recorded once by kind and never retried,
and nothing logs a traceback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.texts import conversation_words, error_words, registration_words, report_words
from models.conversation import Conversation
from models.inbound import InboundPayload, ProcessedMessage
from models.person import Channel, Role
from tests.bot.logtrap import trapped_logs
from tests.bot.whatsapp.harness import WhatsAppWorld, whatsapp_world
from tests.factories import add_member, seed_pekon

WA_ID = "6281234567890"
UNREGISTERED = registration_words.UNREGISTERED.format(
    village="pekon", account=registration_words.ACCOUNT_WORDS["whatsapp"]
)
Mutation = Callable[[dict[str, Any]], object]


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WhatsAppWorld]:
    async with whatsapp_world(sessionmaker) as w:
        yield w


def _value(body: dict[str, Any]) -> dict[str, Any]:
    value: dict[str, Any] = body["entry"][0]["changes"][0]["value"]
    return value


def _another(body: dict[str, Any], **fields: Any) -> None:
    """A second message in the same body, the good one's fields replaced."""
    messages = _value(body)["messages"]
    messages.append({**messages[0], "id": "wamid.SECOND", **fields})


# The shapes of issue 12 item 2 (and item 6's ids), each beside one good message.
BESIDE_A_GOOD_MESSAGE: dict[str, tuple[Mutation, str]] = {
    "an extra string in entry[0].changes": (lambda b: b["entry"][0]["changes"].append("x"), "change x1"),
    "a message that is a string": (lambda b: _value(b)["messages"].append("str"), "message x1"),
    "a message type that is a list": (lambda b: _another(b, type=["text"]), "message x1"),
    "interactive that is a string": (
        lambda b: _another(b, type="interactive", interactive="str"), "interactive x1"
    ),
    "a contact that is a string": (lambda b: _value(b)["contacts"].append("str"), "contact x1"),
    "a status whose errors are strings": (
        lambda b: _value(b).update(statuses=[{"errors": ["x"]}]), "status x1"
    ),
    "a sender id of 100 characters": (lambda b: _another(b, **{"from": "6" * 100}), "sender id x1"),
    "a message id of 300 characters": (lambda b: _another(b, id="wamid." + "A" * 294), "message id x1"),
}  # fmt: skip


async def _stored_notes(world: WhatsAppWorld) -> list[tuple[bool, str | None]]:
    async with world.sessionmaker() as session:
        rows = await session.execute(select(InboundPayload.processed_at, InboundPayload.error))
        return [(processed is not None, error) for processed, error in rows]


@pytest.mark.parametrize("shape", sorted(BESIDE_A_GOOD_MESSAGE))
async def test_a_bad_part_never_loses_the_good_message_beside_it(world: WhatsAppWorld, shape: str) -> None:
    mutate, note = BESIDE_A_GOOD_MESSAGE[shape]
    body = world.phone().body("text", text={"body": "halo"})
    mutate(body)
    with trapped_logs() as logs:
        assert (await world.post(body)).status_code == 200
        await world.settle()
        assert await world.webhook.recover() == 0  # nothing left for the sweep to retry
    assert UNREGISTERED in [m["text"]["body"] for m in world.graph.sent_to(WA_ID)]
    assert await _stored_notes(world) == [(True, f"unreadable: {note}")]
    assert logs.problems() == []
    assert any(note in line for line in logs.warnings())


WHOLE_BODIES: dict[str, tuple[bytes, str]] = {
    "entry is a string": (b'{"object": "whatsapp_business_account", "entry": "x"}', "body x1"),
    "invalid JSON": (b"not json", "json x1"),
    "a JSON array": (b"[1, 2]", "body x1"),
    "a JSON string": (b'"x"', "body x1"),
    "null": (b"null", "body x1"),
    "JSON nested 5,000 deep": (b"[" * 5000 + b"]" * 5000, "nesting x1"),
    "not UTF-8": (b'{"object": "\xff\xfe"}', "body x1"),
}


@pytest.mark.parametrize("shape", sorted(WHOLE_BODIES))
async def test_a_signed_body_of_any_shape_is_acknowledged_and_recorded_once(
    world: WhatsAppWorld, shape: str
) -> None:
    raw, note = WHOLE_BODIES[shape]
    with trapped_logs() as logs:
        answers = [(await world.post(raw)).status_code for _ in range(2)]  # the same connection, twice
        await world.settle()
        assert await world.webhook.recover() == 0
    assert answers == [200, 200]
    assert await _stored_notes(world) == [(True, f"unreadable: {note}")] * 2
    assert logs.problems() == []


async def _registered(world: WhatsAppWorld) -> None:
    async with world.sessionmaker() as session:
        units = await seed_pekon(session)
        await add_member(
            session, "Sutrisno", Role.PEMANGKU, unit=units[0], channel=Channel.WHATSAPP, address=WA_ID
        )


async def _post_text_escaped(world: WhatsAppWorld, escaped_text: str) -> list[str]:
    """A text message whose body is written with JSON escapes as given (e.g. a lone surrogate);
    the answers to it."""
    phone = world.phone()
    phone.seen = len(world.graph.sent_to(phone.wa_id))
    raw = json.dumps(phone.body("text", text={"body": "PLACEHOLDER"})).replace("PLACEHOLDER", escaped_text)
    assert (await world.post(raw.encode())).status_code == 200
    await world.settle()
    return phone.read()


async def test_a_lone_surrogate_is_dropped_at_the_edge_and_the_message_understood(
    world: WhatsAppWorld,
) -> None:
    await _registered(world)
    with trapped_logs() as logs:
        [menu] = await _post_text_escaped(world, "men\\ud800u")
        [again] = await _post_text_escaped(world, "lahir\\u0007\\udfff")
    assert conversation_words.MENU_PROMPT in menu
    assert report_words.QUESTIONS["name"] in again  # the birth report started: "lahir" was read
    assert logs.problems() == []


async def test_a_text_holding_nul_is_refused_kindly_and_nothing_of_it_is_stored(
    world: WhatsAppWorld,
) -> None:
    await _registered(world)
    [refused] = await _post_text_escaped(world, "lahir\\u0000")  # the refusal and the menu, one message
    assert refused.startswith(error_words.UNSUPPORTED)
    assert conversation_words.MENU_PROMPT in refused
    async with world.sessionmaker() as session:
        conversation = await session.scalar(select(Conversation))
        assert conversation is not None and conversation.flow is None


async def test_over_long_ids_are_dropped_the_same_on_every_database(world: WhatsAppWorld) -> None:
    body = world.phone().body("text", text={"body": "halo"})
    _value(body)["messages"][0]["from"] = "6" * 65
    assert (await world.post(body)).status_code == 200
    await world.settle()
    async with world.sessionmaker() as session:
        assert list(await session.scalars(select(ProcessedMessage))) == []
    assert world.graph.messages == []
