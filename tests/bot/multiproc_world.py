"""The world of the many-processes test: a pekon of pemangku on both channels, real `pemangku run`
processes on one PostgreSQL, and people who type a line and wait for its answer."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.whatsapp_payload import sign
from models.base import add_months, month_of, utcnow, wib_date
from models.period import Baseline
from models.person import Identity, Member, Role
from models.region import Kecamatan, Pekon, Unit
from tests.bot.whatsapp.harness import readable
from tests.fakes.graph_api import PHONE_NUMBER_ID, TOKEN, FakeGraphApi
from tests.fakes.telegram_api import FakeTelegram

APP_SECRET = "multi-app-secret"
RATE = 20  # per channel: what the bots may send and what the fakes accept in any one second
WAIT = 30.0  # an answer not there after this long is lost


async def seed(sessionmaker: async_sessionmaker[AsyncSession], chats: list[tuple[str, str]]) -> None:
    """One pekon; a unit, its baseline (last month) and a pemangku for each (channel, address)."""
    baseline = add_months(month_of(wib_date(utcnow())), -1)
    figures = {"wna_l": 0, "wna_p": 0, "wni_l": 100, "wni_p": 100, "kk": 60, "anggota": 140}
    async with sessionmaker() as s, s.begin():
        s.add(Kecamatan(kode="18.04.15", nama="Gedung Surian", kabupaten_nama="Lampung Barat"))
        s.add(Pekon(kode="18.04.15.2004", nama="Trimulyo", tingkat="desa", kecamatan_kode="18.04.15"))
        for seq, (channel, address) in enumerate(chats, 1):
            unit = Unit(
                kode=f"18.04.15.2004-{seq:02d}",
                pekon_kode="18.04.15.2004",
                seq=seq,
                nama=f"U{seq}",
                nama_norm=f"u{seq}",
            )
            s.add(unit)
            await s.flush()
            s.add(Baseline(unit_id=unit.id, period=baseline, **figures))
            member = Member(name=f"P{seq}", role=Role.PEMANGKU, unit_id=unit.id)
            s.add(member)
            await s.flush()
            s.add(Identity(member_id=member.id, channel=channel, address=address, last_inbound_at=utcnow()))


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(db_url: str, tg: FakeTelegram, graph_url: str, port: int) -> dict[str, str]:
    """A `pemangku run` on the shared database, both fakes, and a schedule that makes two
    reminders due to every pemangku whatever today is (the current and the last month)."""
    return {
        "PEMANGKU_DATABASE_URL": db_url,
        "PEMANGKU_TELEGRAM_TOKEN": tg.token,
        "PEMANGKU_TELEGRAM_BASE_URL": tg.base_url,
        "PEMANGKU_TELEGRAM_BASE_FILE_URL": tg.base_url.replace("/bot", "/file/bot"),
        "PEMANGKU_TELEGRAM_RATE_PER_SECOND": str(RATE),
        "PEMANGKU_TELEGRAM_CHAT_RATE_PER_SECOND": "0",
        "PEMANGKU_WHATSAPP_TOKEN": TOKEN,
        "PEMANGKU_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "PEMANGKU_WHATSAPP_APP_SECRET": APP_SECRET,
        "PEMANGKU_WHATSAPP_VERIFY_TOKEN": "verify",
        "PEMANGKU_WHATSAPP_BASE_URL": graph_url,
        "PEMANGKU_WHATSAPP_RATE_PER_SECOND": str(RATE),
        "PEMANGKU_HTTP_HOST": "127.0.0.1",
        "PEMANGKU_HTTP_PORT": str(port),
        "PEMANGKU_OUTBOX_LEASE_SECONDS": "2",
        "PEMANGKU_REMINDER_OFFSETS_DAYS": "[-70]",
        "PEMANGKU_CLOSE_AFTER_DEADLINE_DAYS": "60",
        "PEMANGKU_QUIET_HOURS_START": "0",
        "PEMANGKU_QUIET_HOURS_END": "0",
    }


@dataclass
class Bot:
    """One `python -m bot run` process and its HTTP port."""

    port: int
    process: asyncio.subprocess.Process

    @property
    def base(self) -> str:
        """Its HTTP base URL."""
        return f"http://127.0.0.1:{self.port}"


async def start_bot(env: dict[str, str], log: Path) -> Bot:
    """Start a process (it is healthy once /healthz answers)."""
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=os.environ | env, stdout=out, stderr=out
        )
    return Bot(int(env["PEMANGKU_HTTP_PORT"]), process)


async def health(http: httpx.AsyncClient, bot: Bot) -> dict[str, Any] | None:
    """What /healthz says, or None while the process does not answer."""
    try:
        answer = await http.get(f"{bot.base}/healthz")
    except httpx.HTTPError:
        return None
    return dict(answer.json()) if answer.status_code == 200 else None


async def until(check: Callable[[], bool], within: float) -> None:
    """Wait until `check` holds."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "not in time"
        await asyncio.sleep(0.05)


@dataclass
class Traffic:
    """Sends the people's lines (WhatsApp bodies to the processes in turn, like a load balancer
    that skips a dead one) and reads what each person received."""

    tg: FakeTelegram
    graph: FakeGraphApi
    bots: list[Bot]
    http: httpx.AsyncClient
    lost: list[str] = field(default_factory=list)
    _turn: int = 0
    _wamid: int = 0

    def received(self, chat: str) -> list[str]:
        """Every text the person received, in order of arrival."""
        if chat.isdigit() and len(chat) < 10:
            return self.tg.texts(int(chat))
        return [readable(m) for m in self.graph.messages if m.get("to") == chat]

    async def say(self, chat: str, text: str) -> None:
        """A person types a line."""
        if chat.isdigit() and len(chat) < 10:
            self.tg.say(int(chat), text)
            return
        self._wamid += 1
        message = {"from": chat, "id": f"wamid.MULTI{self._wamid:08d}", "timestamp": str(int(time.time()))}
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "1555", "phone_number_id": PHONE_NUMBER_ID},
            "contacts": [{"profile": {"name": "Pemangku"}, "wa_id": chat}],
            "messages": [message | {"type": "text", "text": {"body": text}}],
        }
        body = {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"value": value, "field": "messages"}]}],
        }
        await self._post(json.dumps(body).encode())

    async def _post(self, raw: bytes) -> None:
        headers = {"content-type": "application/json", "x-hub-signature-256": sign(APP_SECRET.encode(), raw)}
        for _ in range(3 * len(self.bots)):
            self._turn += 1
            bot = self.bots[self._turn % len(self.bots)]
            try:
                if (
                    await self.http.post(f"{bot.base}/whatsapp/webhook", content=raw, headers=headers)
                ).status_code == 200:
                    return
            except httpx.HTTPError:
                continue  # a dead process: the proxy tries the next one
        raise AssertionError("no process acknowledged a body")

    async def step(self, chat: str, text: str, expect: Callable[[str], bool]) -> bool:
        """Type a line and wait for the answer it expects."""
        before = len(self.received(chat))
        await self.say(chat, text)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if any(expect(t) for t in self.received(chat)[before:]):
                return True
            await asyncio.sleep(0.05)
        self.lost.append(f"{chat}: {text!r}")
        return False
