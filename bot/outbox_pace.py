"""The outbox's pace: how fast a channel may send in all, and to one chat.

`Pacer` keeps a channel inside the platform's global limit (messages per second). `ChatBuckets`
is the per-chat allowance for bulk sends: a token bucket per chat (a short burst, refilling at the
sustained rate), which answers to the person's own messages use but never wait for.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator


class Pacer:
    """Send slots at a steady pace such that the platform never counts more than `rate` of our
    sends in any one second, however the network delays them.

    A send may reach the platform at any moment between its slot and its answer, so it counts
    against the limit from its slot until one second after its answer: a new slot is given only
    while fewer than `rate` sends are in flight or answered within the last second. Slots are
    also spaced 1/rate apart (a late taker may catch up TOLERANCE slots), so there are no bursts."""

    TOLERANCE = 2

    def __init__(self, rate_per_second: float) -> None:
        self.rate = rate_per_second
        self._cap = max(1, int(rate_per_second))
        self._interval = 1.0 / rate_per_second
        self._next = 0.0
        self._paused_until = 0.0
        self._in_flight = 0
        self._answered: deque[float] = deque()
        self._freed = asyncio.Event()
        self._lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for one send (wait for it first)."""
        await self._take()
        try:
            yield
        finally:
            self._in_flight -= 1
            self._answered.append(asyncio.get_running_loop().time())
            self._freed.set()

    async def _take(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._lock:  # waiters are served in order
            while (delay := self._delay(loop.time())) is not None:
                if delay > 0:
                    await asyncio.sleep(delay)
                else:  # every unit of the limit is in flight: wait for an answer
                    self._freed.clear()
                    await self._freed.wait()
            now = loop.time()
            self._next = max(self._next, now) + self._interval
            self._in_flight += 1

    def _delay(self, now: float) -> float | None:
        """None when a slot is free now; else how long to wait (0: until a send is answered)."""
        while self._answered and self._answered[0] <= now - 1.0:
            self._answered.popleft()
        wait = max(self._next - self.TOLERANCE * self._interval, self._paused_until) - now
        if self._in_flight + len(self._answered) >= self._cap:
            wait = max(wait, self._answered[0] + 1.0 - now) if self._answered else max(wait, 0.0)
            return wait
        return wait if wait > 0 else None

    def pause(self, seconds: float) -> None:
        """Give out no slot for `seconds` (the platform asked us to slow down)."""
        self._paused_until = max(self._paused_until, asyncio.get_running_loop().time() + seconds)


class ChatBuckets:
    """A token bucket per chat: up to `burst` messages at once, refilled at `rate` per second.

    Bulk sends (reminders, recaps, notices) wait for a token; a reply to the person's own message
    takes one if there is one and never waits (the person sets that pace by writing)."""

    PRUNE_AT = 10_000  # chats remembered before full buckets (idle chats) are forgotten

    def __init__(self, burst: float, rate: float) -> None:
        self.burst = max(1.0, burst)
        self.rate = rate
        self._chats: dict[str, tuple[float, float]] = {}  # address -> (tokens, at)

    def take(self, address: str, now: float, *, wait: bool = True) -> float:
        """Take a token for one message to `address`; seconds to wait first (0: send now).

        Tokens may go below zero: that is the debt of messages already promised a later time."""
        if self.rate <= 0:  # no per-chat limit
            return 0.0
        tokens = self._tokens(address, now)
        if not wait:
            self._chats[address] = (max(0.0, tokens - 1.0) if tokens >= 1.0 else tokens, now)
            return 0.0
        self._chats[address] = (tokens - 1.0, now)
        return max(0.0, (1.0 - tokens) / self.rate)

    def _tokens(self, address: str, now: float) -> float:
        if len(self._chats) >= self.PRUNE_AT:
            self._chats = {a: v for a, v in self._chats.items() if self._tokens_of(v, now) < self.burst}
        found = self._chats.get(address)
        return self.burst if found is None else self._tokens_of(found, now)

    def _tokens_of(self, state: tuple[float, float], now: float) -> float:
        tokens, at = state
        return min(self.burst, tokens + (now - at) * self.rate)


def backoff(attempts: int, base: float = 2.0, cap: float = 600.0) -> float:
    """Seconds before the next try after `attempts` failed tries: 2, 4, 8, ... up to 10 minutes."""
    return float(min(cap, base * 2 ** max(0, attempts - 1)))
