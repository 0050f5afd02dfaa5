"""A bare HTTP/1.1 client on a socket, for what httpx cannot do: stop sending half-way, send
slowly, and read the answer while the body is still unfinished."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit


class RawConnection:
    """One TCP connection to a test server."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, base_url: str) -> RawConnection:
        """Connect to the host and port of `base_url`."""
        parts = urlsplit(base_url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        """Write and flush."""
        self.writer.write(data)
        await self.writer.drain()

    async def status(self, within: float = 5.0) -> int | None:
        """The status code of the answer, or None when the server closed without one."""
        async with asyncio.timeout(within):
            line = await self.reader.readline()
        return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else None

    async def closed_by_server(self, within: float = 5.0) -> bool:
        """Whether the server closes the connection (without answering) within `within` s."""
        try:
            async with asyncio.timeout(within):
                return await self.reader.read() == b""
        except TimeoutError:
            return False

    def close(self) -> None:
        """Drop the connection."""
        self.writer.close()


def head(path: str, *headers: str, method: str = "POST") -> bytes:
    """A request head with the given header lines."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers, "", ""]
    return "\r\n".join(lines).encode()


def chunk(data: bytes) -> bytes:
    """One chunk of a chunked body."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"
