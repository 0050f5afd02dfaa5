"""The soak's world: the fake platforms that note every arrival, the real `python -m bot run`
process, and the people (healthy, hostile, and one whose platform keeps failing)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

from bench.roundtrip import TimedTelegram
from bot.channels.whatsapp_payload import sign
from tests.bot.whatsapp.harness import TEMPLATES, readable
from tests.fakes.graph_api import PHONE_NUMBER_ID, FakeGraphApi, error

APP_SECRET = "soak-app-secret"
VERIFY_TOKEN = "soak-verify-token"
FAILING = "6289900000001"  # the number the fake Graph API fails for
WAIT = 30.0  # a reply not there after this long is lost
HANG = 25.0  # the failing number's requests hang past the sender's 20 s timeout


class SoakGraph(FakeGraphApi):
    """The fake Graph API noting arrival times; for FAILING: HTTP 500 twice, then hanging."""

    def __init__(self) -> None:
        super().__init__(templates=dict(TEMPLATES))
        self.arrived: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self.failing_tries = 0
        self.kept = asyncio.Event()

    def app(self) -> Starlette:
        plain = self._messages

        async def messages(request: Request) -> JSONResponse:
            body = json.loads(await request.body() or b"{}")
            if body.get("to") == FAILING:
                self.failing_tries += 1
                if self.failing_tries > 2:
                    await asyncio.sleep(HANG)
                return error(1)
            answer = await plain(request)
            if answer.status_code == 200 and "to" in body:
                self.arrived[body["to"]].append((time.monotonic(), readable(body)))
                self.kept.set()
            return answer

        self._messages = messages  # type: ignore[method-assign]
        return super().app()


@dataclass
class Tally:
    """What the soak counts."""

    began: float = field(default_factory=time.monotonic)
    sent: Counter[str] = field(default_factory=Counter)  # messages in, by kind
    answers: Counter[str] = field(default_factory=Counter)  # webhook HTTP answers / errors
    latencies: list[tuple[str, float, float]] = field(default_factory=list)  # (channel, sent at, seconds)
    lost: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)  # names whose receipt arrived
    reported: list[str] = field(default_factory=list)  # names whose Simpan was sent


@dataclass
class Platforms:
    """Both fake platforms and how to reach the bot's webhook."""

    telegram: TimedTelegram
    graph: SoakGraph
    graph_url: str
    webhook: str  # the bot's POST /whatsapp/webhook
    http: httpx.AsyncClient
    tally: Tally

    def arrivals(self, chat: str) -> list[tuple[float, str]]:
        """(time, text) of every message the bot sent to a chat, in order."""
        if _telegram(chat):
            user = int(chat)
            times = self.telegram.arrived_at.get(user, [])
            return list(zip(times, self.telegram.texts(user), strict=False))
        return self.graph.arrived[chat]

    async def event(self) -> None:
        """Wait for the next arrival on either platform (or a short while)."""
        self.telegram.kept.clear()
        self.graph.kept.clear()
        waits = [asyncio.ensure_future(e.wait()) for e in (self.telegram.kept, self.graph.kept)]
        await asyncio.wait(waits, timeout=0.5, return_when=asyncio.FIRST_COMPLETED)
        for w in waits:
            w.cancel()

    async def post(self, raw: bytes, signed: bool = True, retry: bool = False) -> None:
        """POST a WhatsApp webhook body; the answer is tallied. With `retry`, as Meta does for a
        real message: again until it is answered 200 (the bot may be restarting)."""
        headers = {"content-type": "application/json"}
        if signed:
            headers["x-hub-signature-256"] = sign(APP_SECRET.encode(), raw)
        for attempt in range(60):
            try:
                answer = await self.http.post(self.webhook, content=raw, headers=headers)
                self.tally.answers[f"whatsapp {answer.status_code}"] += 1
                if answer.status_code == 200 or not retry:
                    return
            except httpx.HTTPError as exc:
                self.tally.answers[f"whatsapp {type(exc).__name__}"] += 1
                if not retry:
                    return
            await asyncio.sleep(min(2.0, 0.25 * 2**attempt))


_wamids = iter(range(1, 10**9))


def whatsapp_body(wa_id: str, message: dict[str, Any], timestamp: int | None = None) -> dict[str, Any]:
    """A Cloud API webhook body carrying one message from `wa_id`."""
    base = {
        "from": wa_id,
        "id": f"wamid.SOAK{next(_wamids):09d}",
        "timestamp": str(timestamp or int(time.time())),
    }
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Pemangku"}, "wa_id": wa_id}],
        "messages": [base | message],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"value": value, "field": "messages"}]}],
    }


async def say(platforms: Platforms, chat: str, text: str) -> None:
    """A person types a line on their platform."""
    if _telegram(chat):
        platforms.telegram.say(int(chat), text)
    else:
        body = whatsapp_body(chat, {"type": "text", "text": {"body": text}})
        await platforms.post(json.dumps(body).encode(), retry=True)


async def step(platforms: Platforms, chat: str, text: str, expect: Callable[[str], bool]) -> bool:
    """Send one line and wait for the answer it expects; its latency is noted. No answer at all
    within WAIT is a lost reply; only other answers (the conversation went elsewhere) are noted
    apart."""
    before = len(platforms.arrivals(chat))
    started = time.monotonic()
    platforms.tally.sent["healthy"] += 1
    await say(platforms, chat, text)
    while time.monotonic() - started < WAIT:
        for at, answer in platforms.arrivals(chat)[before:]:
            if expect(answer):
                platforms.tally.latencies.append((_channel(chat), started, at - started))
                return True
        await platforms.event()
    got = [answer[:50] for _, answer in platforms.arrivals(chat)[before:]]
    when = started - platforms.tally.began
    (platforms.tally.unexpected if got else platforms.tally.lost).append(
        f"{chat} at {when:.0f} s: {text[:40]!r}, got {got}"
    )
    return False


def _channel(chat: str) -> str:
    return "telegram" if _telegram(chat) else "whatsapp"


def _telegram(chat: str) -> bool:
    return chat.isdigit() and len(chat) < 10  # a Telegram user id; WhatsApp numbers are longer


async def healthy_person(platforms: Platforms, chat: str, names: Callable[[], str], until: float) -> None:
    """A pemangku reporting births in one line, saving them, and asking the status, until `until`."""
    while time.monotonic() < until:
        name = names()
        line = f"LAHIR {name} P kemarin di Liwa ibu Sari ayah Joko"
        if await step(platforms, chat, line, lambda t, n=name: n in t):  # type: ignore[misc]
            platforms.tally.reported.append(name)
            if await step(platforms, chat, "simpan", lambda t: "tersimpan" in t):
                platforms.tally.saved.append(name)
        await step(platforms, chat, "status", lambda t: t.startswith("Bulan"))
        await asyncio.sleep(random.uniform(0.2, 1.0))  # a person reads and types


async def failing_person(platforms: Platforms, until: float) -> None:
    """The pemangku whose number the platform fails for keeps writing."""
    while time.monotonic() < until:
        platforms.tally.sent["failing chat"] += 1
        await say(platforms, FAILING, "status")
        await asyncio.sleep(1.0)


def _unicode(rng: random.Random, length: int) -> str:
    return "".join(
        chr(rng.choice([rng.randint(0x20, 0x7E), rng.randint(0xA0, 0xD7FF), rng.randint(0xE000, 0x10FFFF)]))
        for _ in range(length)
    )


def hostile_whatsapp(rng: random.Random, wa_id: str, offered: str) -> tuple[bytes, bool]:
    """One hostile body (raw bytes, signed or not): wrong shapes, odd texts, replays."""
    good = whatsapp_body(wa_id, {"type": "text", "text": {"body": "halo"}})
    value = good["entry"][0]["changes"][0]["value"]
    kind = rng.randrange(14)
    if kind == 0:
        good["entry"][0]["changes"].append("x")
    elif kind == 1:
        good["entry"] = "x"
    elif kind == 2:
        value["messages"] = ["str"]
    elif kind == 3:
        value["messages"][0]["type"] = ["text"]
    elif kind == 4:
        value["messages"][0].update(type="interactive", interactive="str")
    elif kind == 5:
        value["contacts"] = ["str"]
    elif kind == 6:
        value.pop("messages")
        value["statuses"] = [{"errors": ["x"]}]
    elif kind == 7:
        return b'{"a":' * 5000 + b"1" + b"}" * 5000, True
    elif kind == 8:
        value["messages"][0]["text"]["body"] = "\ud800 Nama: " + _unicode(rng, 40)
    elif kind == 9:
        value["messages"][0]["text"]["body"] = "x" * 100_000
    elif kind == 10:
        reply = {"type": "button_reply", "button_reply": {"id": offered, "title": "Ya"}}
        value["messages"][0].update(type="interactive", interactive=reply)
    elif kind == 11:
        value["messages"][0].update(type="sticker", sticker={"id": "1", "mime_type": "image/webp"})
    elif kind == 12:
        value["messages"][0]["timestamp"] = "1000000000"  # out of order, years old
    else:
        return json.dumps(good).encode(), False  # unsigned
    return json.dumps(good).encode(), True


async def whatsapp_attacker(platforms: Platforms, wa_id: str, seed: int, until: float, rate: float) -> None:
    """Signed (and a few unsigned) hostile bodies, `rate` a second, some sent twice."""
    rng = random.Random(seed)
    while time.monotonic() < until:
        raw, signed = hostile_whatsapp(rng, wa_id, f"q{rng.randint(1, 99)}:ya")
        for _ in range(2 if rng.random() < 0.1 else 1):  # a duplicated delivery
            platforms.tally.sent["hostile whatsapp"] += 1
            await platforms.post(raw, signed)
        await asyncio.sleep(1 / rate)


async def telegram_attacker(platforms: Platforms, user: int, seed: int, until: float, rate: float) -> None:
    """Odd Telegram traffic: unicode, huge texts, stickers, presses of buttons never offered."""
    rng = random.Random(seed)
    tg = platforms.telegram
    while time.monotonic() < until:
        platforms.tally.sent["hostile telegram"] += 1
        kind = rng.randrange(6)
        if kind == 0:
            tg.say(user, _unicode(rng, rng.randint(1, 300)))
        elif kind == 1:
            tg.say(user, "x" * rng.choice([4097, 20_000]))
        elif kind == 2:
            tg.send_sticker(user)
        elif kind == 3:
            sent = tg.chats.get(user) or []
            if sent:
                tg.press(user, rng.choice(sent), rng.choice(["simpan", "ya", "q9:ya", "x" * 64, "nihil"]))
            else:
                tg.say(user, "/start ZZZZ-ZZZZ")
        elif kind == 4:
            tg.share_contact(user, "+6281234567890", user + 1)  # somebody else's number
        else:
            tg.say(user, rng.choice(["/lahir", "nihil", "kirim", "simpan", "batal", "DAFTAR XXXX"]))
        await asyncio.sleep(1 / rate)


class BotProcess:
    """`python -m bot run` in its own process; its resident memory sampled while it runs."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self._env = env
        self._log = log
        self.process: asyncio.subprocess.Process | None = None
        self.peak_rss_kb = 0

    async def start(self, health: str, http: httpx.AsyncClient) -> float:
        """Start and wait until /healthz answers; the time it took."""
        started = time.monotonic()
        with self._log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=os.environ | self._env, stdout=out, stderr=out
            )
        async with asyncio.timeout(60):
            while True:
                try:
                    if (await http.get(health)).status_code == 200:
                        return time.monotonic() - started
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.05)

    async def sample(self) -> None:
        """Note the peak resident memory (VmHWM) until cancelled."""
        while True:
            self._note()
            await asyncio.sleep(0.5)

    def _note(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self.peak_rss_kb = max(self.peak_rss_kb, int(line.split()[1]))

    async def kill(self) -> None:
        """SIGKILL: no clean-up at all."""
        assert self.process is not None
        self._note()
        self.process.kill()
        await self.process.wait()

    async def stop(self) -> int:
        """SIGTERM and wait (sends in flight finish); the exit code."""
        assert self.process is not None
        self._note()
        self.process.terminate()
        try:
            async with asyncio.timeout(HANG + 15):
                return await self.process.wait()
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()
