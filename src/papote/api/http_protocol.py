"""uvicorn's httptools protocol with limits on request heads, for a server facing clients.

Without a proxy in front, uvicorn keeps a half-sent request open for as long as the
client likes and buffers headers of any size (a probe held 300 slow requests open for
minutes and ~100 MB with 20 unfinished 5 MB headers). Here a request head (request
line and headers) must arrive within ``PAPOTE_HTTP_HEAD_TIMEOUT_S`` (10 s) and fit in
``PAPOTE_HTTP_MAX_HEAD_BYTES`` (64 KiB received while the head is still incomplete),
or the connection gets 408 / 431 and is closed. nginx in front remains the production
default (docs/operations.md); these limits hold when Papote is served directly.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def reply_and_close(transport: asyncio.Transport, status: bytes) -> None:
    if not transport.is_closing():  # uvloop's transports are not asyncio.Transport subclasses
        transport.write(
            b"HTTP/1.1 " + status + b"\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        )
        transport.close()


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    head_timeout_s = 10.0
    max_head_bytes = 64 * 1024

    @classmethod
    def with_limits(cls, head_timeout_s: float, max_head_bytes: int) -> type[HttpToolsProtocol]:
        limits = {"head_timeout_s": head_timeout_s, "max_head_bytes": max_head_bytes}
        return type("ConfiguredHttpToolsProtocol", (cls,), limits)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_head = True
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._in_head:
            super().data_received(data)
            return
        self._head_bytes += len(data)
        if self._head_timer is None:
            self._arm()
        super().data_received(data)  # a chunk may end the head and carry a body
        if self._in_head and self._head_bytes > self.max_head_bytes:
            self._disarm()
            reply_and_close(self.transport, b"431 Request Header Fields Too Large")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._in_head = True  # the next request on this connection starts its head

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_timeout)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self._in_head:
            reply_and_close(self.transport, b"408 Request Timeout")
