"""Rendering many documents at once. Rendering is CPU-bound: with many files (the monthly close of a
kabupaten) it runs in worker processes, which uses every core and keeps the bot's event loop free
to answer chats; a few files are rendered in place."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from jobs.documents.data import RecapData, RollupData
from jobs.documents.pdf import recap_pdf, rollup_pdf
from jobs.documents.xlsx import recap_xlsx, rollup_xlsx

T = TypeVar("T")
Files = tuple[bytes, bytes]  # (xlsx, pdf)
PARALLEL_FROM = 12  # below this many, starting worker processes costs more than it saves
MAX_WORKERS = 4


def render_recap(data: RecapData) -> Files:
    """A pekon's month as XLSX and PDF."""
    return recap_xlsx(data), recap_pdf(data)


def render_rollup(data: RollupData) -> Files:
    """A kecamatan roll-up as XLSX and PDF."""
    return rollup_xlsx(data), rollup_pdf(data)


def workers_for(count: int, parallel_from: int = PARALLEL_FROM) -> int:
    """How many worker processes to use for `count` documents (0: render in place)."""
    cores = min(os.cpu_count() or 1, MAX_WORKERS)
    return cores if count >= parallel_from and cores > 1 else 0


class Renderer:
    """Renders in `workers` processes forked from a clean fork server (safe beside the event loop's
    threads; the server imports the renderers once per process lifetime), or in place
    when `workers` is 0. Use it as an async context; `submit` returns at once, so the caller can
    load the next document's data while the workers render."""

    def __init__(self, workers: int) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        self._pool = ProcessPoolExecutor(workers, mp_context=context) if workers else None

    async def __aenter__(self) -> Renderer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, render: Callable[[T], Files], item: T) -> asyncio.Future[Files]:
        """Start rendering one item; await the result when it is needed."""
        loop = asyncio.get_running_loop()
        if self._pool is None:
            done: asyncio.Future[Files] = loop.create_future()
            done.set_result(render(item))
            return done
        return loop.run_in_executor(self._pool, render, item)


async def render_many(render: Callable[[T], Files], items: Sequence[T], workers: int) -> list[Files]:
    """Render every item, in `workers` processes or in place."""
    async with Renderer(workers) as renderer:
        return list(await asyncio.gather(*(renderer.submit(render, item) for item in items)))
