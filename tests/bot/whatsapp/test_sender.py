"""The sender against the fake Graph API over real HTTP: rendering within limits, documents,
the 24-hour window and templates, and Meta's errors mapped to retry or give up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.channels.base import Delivery, PermanentFailure, RetryLater
from bot.channels.whatsapp import WINDOW_CLOSED, WhatsAppClient, WhatsAppSender
from bot.channels.whatsapp_render import split_text
from bot.messages import Choice, DocumentRef, OutgoingMessage, TemplateRef
from handlers.texts import channel_words, conversation_words
from tests.bot.whatsapp.harness import TEMPLATES, readable
from tests.fakes.graph_api import PHONE_NUMBER_ID, TOKEN, FakeGraphApi, serve

TO = "6281234567890"
REMINDER = TemplateRef("pengingat_laporan", ("Sutrisno", "Pemangku 1\nTrimulyo", "November 2026"))


@dataclass
class Rig:
    graph: FakeGraphApi
    sender: WhatsAppSender

    async def send(self, message: OutgoingMessage, **delivery: object) -> str:
        return await self.sender.send(Delivery(outbox_id=1, address=TO, message=message, **delivery))  # type: ignore[arg-type]


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    graph = FakeGraphApi(templates=dict(TEMPLATES))
    async with serve(graph.app()) as url:
        client = WhatsAppClient(
            base_url=url, api_version="v21.0", token=TOKEN, phone_number_id=PHONE_NUMBER_ID
        )
        yield Rig(graph, WhatsAppSender(client, template_language="id"))
        await client.aclose()


async def test_text_goes_as_text_and_returns_the_wamid(rig: Rig) -> None:
    wamid = await rig.send(OutgoingMessage(text="Halo"))
    assert wamid.startswith("wamid.")
    [sent] = rig.graph.messages
    assert (sent["to"], sent["type"], sent["text"]["body"]) == (TO, "text", "Halo")


async def test_three_choices_are_buttons_cut_to_20_with_full_labels_in_the_body(rig: Rig) -> None:
    choices = (
        Choice("kirim", "Kirim Laporan Bulan Ini"),
        Choice("nihil", "Nihil (tidak ada perubahan)"),
        Choice("batal", "Batal"),
    )
    await rig.send(OutgoingMessage(text="Laporan November belum masuk.", choices=choices))
    [sent] = rig.graph.messages
    buttons = sent["interactive"]["action"]["buttons"]
    assert [b["reply"]["id"] for b in buttons] == ["kirim", "nihil", "batal"]
    assert [b["reply"]["title"] for b in buttons] == [
        "1. Kirim Laporan Bu…",
        "2. Nihil (tidak ada…",
        "3. Batal",
    ]
    body = sent["interactive"]["body"]["text"]
    assert "1. Kirim Laporan Bulan Ini" in body and "2. Nihil (tidak ada perubahan)" in body


async def test_short_labels_leave_the_body_alone(rig: Rig) -> None:
    await rig.send(
        OutgoingMessage(text="Jenis kelamin?", choices=(Choice("L", "Laki-laki"), Choice("P", "Perempuan")))
    )
    assert readable(rig.graph.messages[0]) == "Jenis kelamin?\n[1. Laki-laki]\n[2. Perempuan]"


async def test_up_to_ten_choices_are_a_list_within_its_limits(rig: Rig) -> None:
    labels = [*conversation_words.MENU_PEMANGKU.values(), "Laporan bulan lalu yang belum dikirim"]
    choices = tuple(
        Choice(f"c{i}", label, "keterangan " * 10 if i == 0 else None) for i, label in enumerate(labels)
    )
    await rig.send(OutgoingMessage(text=conversation_words.MENU_PROMPT, choices=choices))
    [sent] = rig.graph.messages  # the fake refuses anything over the limits
    action = sent["interactive"]["action"]
    rows = action["sections"][0]["rows"]
    assert sent["interactive"]["type"] == "list" and action["button"] == channel_words.WHATSAPP_LIST_BUTTON
    assert rows[1]["title"] == "2. Lapor Meninggal"
    assert rows[-1]["title"] == "9. Laporan bulan lalu y…"
    assert rows[-1]["description"] == "Laporan bulan lalu yang belum dikirim"
    assert len(rows[0]["description"]) == 72


async def test_more_than_ten_choices_are_numbered_text(rig: Rig) -> None:
    choices = tuple(Choice(f"u{i}", f"Pemangku {i}") for i in range(1, 13))
    await rig.send(OutgoingMessage(text="Pilih pemangku:", choices=choices))
    body = rig.graph.messages[0]["text"]["body"]
    assert body.splitlines()[2] == "1. Pemangku 1" and "12. Pemangku 12" in body
    assert body.endswith(channel_words.WHATSAPP_CHOICES_HINT)


async def test_long_text_is_split_at_line_ends(rig: Rig) -> None:
    text = "\n".join(
        f"{i}. Pemangku {i}: 240 jiwa, lahir 1, datang 0, meninggal 0, pindah 0" for i in range(120)
    )
    await rig.send(OutgoingMessage(text=text))
    bodies = [m["text"]["body"] for m in rig.graph.messages]
    assert len(bodies) == 3 and all(len(b) <= 4096 for b in bodies)
    assert "\n".join(bodies) == text
    assert split_text("x" * 5000) == ["x" * 4096, "x" * 904]


async def test_a_document_is_uploaded_then_sent_by_id_with_its_caption(rig: Rig) -> None:
    content = b"%PDF-1.4\r\n\x00\xff binary\nbytes\r\n" * 50
    doc = DocumentRef(7, "rekap-2026-11.pdf", "Rekap B.3 November 2026")
    await rig.send(OutgoingMessage(text="Rekap siap", document=doc), document_bytes=content)
    [sent] = rig.graph.messages
    media_id = sent["document"]["id"]
    assert rig.graph.media[media_id] == ("rekap-2026-11.pdf", "application/pdf", content)
    assert sent["document"]["filename"] == "rekap-2026-11.pdf"
    assert sent["document"]["caption"] == "Rekap B.3 November 2026"


async def test_outside_the_window_a_templated_message_goes_as_its_template(rig: Rig) -> None:
    message = OutgoingMessage(text="Pengingat: laporan November belum masuk.", template=REMINDER)
    await rig.send(message, window_open=False)
    [sent] = rig.graph.messages
    assert sent["type"] == "template"
    assert sent["template"]["language"] == {"code": "id"}
    params = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
    assert params == ["Sutrisno", "Pemangku 1 Trimulyo", "November 2026"]  # no new lines in params


async def test_outside_the_window_without_a_template_nothing_is_sent(rig: Rig) -> None:
    with pytest.raises(PermanentFailure, match="held until"):
        await rig.send(OutgoingMessage(text="Rekap siap"), window_open=False)
    assert rig.graph.messages == [] and rig.graph.requests == 0


async def test_131047_falls_back_to_the_template(rig: Rig) -> None:
    rig.graph.fail_next(131047)
    await rig.send(OutgoingMessage(text="Pengingat", template=REMINDER))
    assert [m["type"] for m in rig.graph.messages] == ["template"]
    rig.graph.fail_next(131047)
    with pytest.raises(PermanentFailure) as caught:
        await rig.send(OutgoingMessage(text="Balasan"))
    assert str(caught.value) == WINDOW_CLOSED


@pytest.mark.parametrize(
    ("code", "after", "whole_channel"),
    [
        (130429, 1.0, True),
        (4, 60.0, True),
        (131056, None, False),
        (1, None, False),
        (2, None, False),
        (131000, None, False),
    ],
)
async def test_rate_limits_and_server_errors_are_retried_later(
    rig: Rig, code: int, after: float | None, whole_channel: bool
) -> None:
    """Throughput and call limits pause the whole channel; a pair-rate hit concerns one person."""
    rig.graph.fail_next(code)
    with pytest.raises(RetryLater) as caught:
        await rig.send(OutgoingMessage(text="Halo"))
    assert (caught.value.after, caught.value.whole_channel) == (after, whole_channel)
    assert await rig.send(OutgoingMessage(text="Halo"))  # the next try goes through


async def test_other_client_errors_are_permanent(rig: Rig) -> None:
    rig.graph.fail_next(131009)
    with pytest.raises(PermanentFailure, match="131009"):
        await rig.send(OutgoingMessage(text="Halo"))


async def test_an_invalid_token_is_permanent_and_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    graph = FakeGraphApi()
    async with serve(graph.app()) as url:
        client = WhatsAppClient(
            base_url=url, api_version="v21.0", token="expired-secret-token", phone_number_id="1"
        )
        sender = WhatsAppSender(client, template_language="id")
        with caplog.at_level(logging.DEBUG), pytest.raises(PermanentFailure, match="access token"):
            await sender.send(Delivery(outbox_id=1, address=TO, message=OutgoingMessage(text="Halo")))
        await client.aclose()
    assert "PEMANGKU_WHATSAPP_TOKEN" in caplog.text
    assert "expired-secret-token" not in caplog.text


async def test_a_network_failure_is_retried_later() -> None:
    graph = FakeGraphApi()
    async with serve(graph.app()) as url:
        pass  # the server is gone: connection refused
    client = WhatsAppClient(base_url=url, api_version="v21.0", token=TOKEN, phone_number_id=PHONE_NUMBER_ID)
    with pytest.raises(RetryLater, match="network"):
        await WhatsAppSender(client, template_language="id").send(
            Delivery(outbox_id=1, address=TO, message=OutgoingMessage(text="Halo"))
        )
    await client.aclose()
