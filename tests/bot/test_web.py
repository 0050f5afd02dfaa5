"""The web server bounds hostile clients on every route (issue 12, item 3): a body is refused
once it passes 1 MB while it streams in, declared or not, and a request that does not arrive
whole in time is cut off, so slow connections are not held."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.web import MAX_BODY_BYTES, WebServer, build_web_app
from tests.bot.logtrap import trapped_logs
from tests.bot.rawhttp import RawConnection, chunk, head

DEADLINE = 0.3  # seconds for a whole request in these tests (10 s in production)


async def echo_length(request: Request) -> PlainTextResponse:
    """A route that reads its body like any webhook does."""
    return PlainTextResponse(str(len(await request.body())))


@pytest.fixture
async def url() -> AsyncIterator[str]:
    web = WebServer(build_web_app([Route("/echo", echo_length, methods=["POST"])]), "127.0.0.1", 0,
                    request_seconds=DEADLINE)  # fmt: skip
    await web.start()
    yield f"http://127.0.0.1:{web.port}"
    await web.stop()


async def test_a_chunked_body_is_refused_past_the_limit_before_it_ends(url: str) -> None:
    conn = await RawConnection.open(url)
    await conn.send(head("/echo", "Transfer-Encoding: chunked"))
    piece = b"x" * 65_536
    for _ in range(MAX_BODY_BYTES // len(piece) + 2):  # past 1 MB, and the body never ends
        await conn.send(chunk(piece))
    assert await conn.status() == 413
    conn.close()


@pytest.mark.parametrize("path", ["/echo", "/healthz", "/nowhere"])
async def test_a_declared_length_over_the_limit_is_refused_unread(url: str, path: str) -> None:
    conn = await RawConnection.open(url)
    await conn.send(head(path, "Content-Length: 300000000") + b"x" * 1000)
    assert await conn.status() == 413
    conn.close()


async def test_a_body_within_the_limit_is_read(url: str) -> None:
    conn = await RawConnection.open(url)
    body = b"x" * MAX_BODY_BYTES
    await conn.send(head("/echo", f"Content-Length: {len(body)}") + body)
    assert await conn.status() == 200
    conn.close()


@pytest.mark.parametrize(
    "sent",
    [
        b"",  # connected, says nothing
        b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",  # trickles its headers
        head("/echo", "Content-Length: 100") + b"x" * 10,  # trickles its body
        head("/echo", "Transfer-Encoding: chunked") + chunk(b"x" * 10),  # a chunked body that never ends
    ],
    ids=["silent", "slow headers", "slow body", "endless chunks"],
)
async def test_a_request_that_does_not_arrive_in_time_is_cut_off(url: str, sent: bytes) -> None:
    conn = await RawConnection.open(url)
    with trapped_logs() as logs:
        await conn.send(sent)
        assert await conn.closed_by_server(within=DEADLINE + 5)
    assert logs.problems() == []


async def test_a_kept_alive_connection_gets_a_fresh_deadline_per_request(url: str) -> None:
    conn = await RawConnection.open(url)
    for _ in range(2):
        await conn.send(head("/echo", "Content-Length: 2") + b"ok")
        assert await conn.status() == 200
        while (await conn.reader.readline()) != b"\r\n":  # the rest of the head
            pass
        await conn.reader.readexactly(1)  # the body: "2"
    assert await conn.closed_by_server(within=DEADLINE + 5)  # idle afterwards: closed in time
