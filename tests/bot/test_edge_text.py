"""The edge every inbound message passes (bot/channels/text.py via IncomingMessage), as a table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.channels.text import InboundRejected
from bot.messages import Channel, IncomingMessage

AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def incoming(**fields: object) -> IncomingMessage:
    values: dict[str, object] = {"channel": Channel.WHATSAPP, "sender_id": "62812", "external_id": "w1"}
    return IncomingMessage(received_at=AT, **(values | fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("menu", "menu"),
        ("men\ud800u", "menu"),  # a lone surrogate ("\ud800" in JSON) cannot be encoded anywhere
        ("lahir\udfff", "lahir"),
        ("Sari\x07\x1b\x7f\x85", "Sari"),  # C0 and C1 controls
        ("baris satu\r\nbaris dua\rtiga\tempat", "baris satu\nbaris dua\ntiga\tempat"),
        ("Jose\u0301", "José"),  # NFC: one code point, as people type it on most phones
        ("😀 👨\u200d👩\u200d👧", "😀 👨\u200d👩\u200d👧"),  # emoji and their joiners are text
        ("", ""),
    ],
)
def test_text_is_cleaned_at_the_edge(sent: str, kept: str) -> None:
    message = incoming(text=sent)
    assert (message.text, message.unsupported) == (kept, None)
    (message.text or "").encode("utf-8")  # storable and sendable: no UnicodeEncodeError


def test_a_text_holding_nul_is_refused_as_unreadable() -> None:
    message = incoming(text="lahir\x00Putri")
    assert (message.text, message.unsupported) == (None, "text")


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"sender_id": "6" * 65}, "sender id"),
        ({"sender_id": ""}, "sender id"),
        ({"sender_id": "62\x00812"}, "sender id"),
        ({"sender_id": "62\ud800"}, "sender id"),
        ({"external_id": "w" * 129}, "message id"),
        ({"external_id": ""}, "message id"),
    ],
)
def test_ids_that_fit_no_column_are_refused(fields: dict[str, str], kind: str) -> None:
    with pytest.raises(InboundRejected) as refused:
        incoming(**fields)
    assert refused.value.kind == kind


def test_ids_at_their_column_sizes_are_kept() -> None:
    message = incoming(sender_id="6" * 64, external_id="w" * 128)
    assert (len(message.sender_id), len(message.external_id)) == (64, 128)


def test_labels_are_cut_to_fit_and_a_phone_must_be_one() -> None:
    message = incoming(sender_name="B" * 300 + "\ud800", choice_id="c" * 300, contact_phone="+" + "9" * 30)
    assert (len(message.sender_name or ""), len(message.choice_id or "")) == (120, 256)
    assert (message.contact_phone, message.unsupported) == (None, "contacts")
    assert incoming(contact_phone="+6281234567890").contact_phone == "+6281234567890"
