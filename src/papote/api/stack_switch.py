"""One port, two stacks: WebSocket upgrades of ``/api/v1/ws`` to picows, the rest to uvicorn.

``papote serve`` with ``PAPOTE_WS_STACK=picows`` gives uvicorn this protocol as its
HTTP protocol class. It reads the first request head of each connection (within
``PAPOTE_HTTP_HEAD_TIMEOUT_S`` and ``PAPOTE_HTTP_MAX_HEAD_BYTES``, or 408 / 431 as
api/http_protocol.py answers), then hands the connection, with the bytes already read,
to picows's protocol (api/ws_picows.py) if it is a ``GET /api/v1/ws`` asking for a
WebSocket, else to uvicorn's bounded httptools protocol, which serves it as before
(keep-alive included). The page, its CSP (``connect-src 'self'``), the cookies and
nginx see one site on one port, as with the ASGI stack.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from picows import WSAutoPingStrategy
from picows.picows import WSProtocol  # type: ignore[attr-defined]  # picows.api uses it so

from papote.api.http_protocol import reply_and_close
from papote.api.ws_picows import PicowsFront

WS_PATH = b"/api/v1/ws"
HANDSHAKE_TIMEOUT_S = 5.0
# uvicorn's defaults for its WebSocket protocols: a ping after 20 s idle, 20 s to answer
PING_IDLE_S = 20.0
PING_REPLY_S = 20.0
_picows_log = logging.getLogger("picows.server")
_picows_log.setLevel(logging.WARNING)  # one INFO line per connection otherwise


def is_ws_upgrade(head: bytes) -> bool:
    """A ``GET /api/v1/ws`` (any query) whose headers ask for a WebSocket upgrade."""
    line, _, headers = head.partition(b"\r\n")
    parts = line.split(b" ")
    if len(parts) != 3 or parts[0] != b"GET":
        return False
    path = parts[1].split(b"?", 1)[0]
    if path != WS_PATH:
        return False
    for header in headers.split(b"\r\n"):
        name, _, value = header.partition(b":")
        if name.strip().lower() == b"upgrade" and b"websocket" in value.lower():
            return True
    return False


class StackSwitch(asyncio.Protocol):
    """uvicorn's HTTP protocol slot: reads one request head, then steps aside."""

    front: PicowsFront
    http_class: type[asyncio.Protocol]
    head_timeout_s = 10.0
    max_head_bytes = 64 * 1024

    @classmethod
    def configured(
        cls,
        front: PicowsFront,
        http_class: type[asyncio.Protocol],
        head_timeout_s: float,
        max_head_bytes: int,
    ) -> type[StackSwitch]:
        parts = {
            "front": front,
            "http_class": http_class,
            "head_timeout_s": head_timeout_s,
            "max_head_bytes": max_head_bytes,
        }
        return type("ConfiguredStackSwitch", (cls,), parts)

    def __init__(self, **uvicorn_args: Any) -> None:
        self._uvicorn_args = uvicorn_args  # config, server_state, app_state, _loop
        self._loop: asyncio.AbstractEventLoop = uvicorn_args.get("_loop") or (
            asyncio.get_running_loop()
        )
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self._timer = self._loop.call_later(self.head_timeout_s, self._timed_out)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > self.max_head_bytes and self._transport is not None:
                self._disarm()
                reply_and_close(self._transport, b"431 Request Header Fields Too Large")
            return
        self._disarm()
        if is_ws_upgrade(bytes(self._buffer[:end])):
            self._to_picows()
        else:
            self._to_http()

    def _to_http(self) -> None:
        transport = self._transport
        assert transport is not None
        protocol = self.http_class(**self._uvicorn_args)
        protocol.connection_made(transport)
        transport.set_protocol(protocol)
        protocol.data_received(bytes(self._buffer))
        self._buffer = bytearray()

    def _to_picows(self) -> None:
        transport = self._transport
        assert transport is not None
        peername = transport.get_extra_info("peername")
        peer, port = (str(peername[0]), int(peername[1])) if peername else ("0.0.0.0", 0)
        front = self.front

        def listener(request: Any) -> Any:
            return front.listener(request, peer, port)

        protocol = WSProtocol(
            None,  # host and port: a server's protocol has none
            None,  # path
            False,  # server side
            listener,
            _picows_log,
            True,  # disconnect on an exception in a callback
            HANDSHAKE_TIMEOUT_S,
            True,  # auto ping: a peer gone silent is closed, as under uvicorn
            PING_IDLE_S,
            PING_REPLY_S,
            WSAutoPingStrategy.PING_WHEN_IDLE,
            True,  # auto pong
            front.max_frame_bytes,
            None,  # extra headers
            16 * 1024,  # initial read buffer
        )
        protocol.connection_made(transport)
        transport.set_protocol(protocol)
        data = memoryview(bytes(self._buffer))
        self._buffer = bytearray()
        while data:
            buffer = protocol.get_buffer(len(data))
            size = min(len(buffer), len(data))
            buffer[:size] = data[:size]
            protocol.buffer_updated(size)
            data = data[size:]

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timed_out(self) -> None:
        self._timer = None
        if self._transport is not None:
            reply_and_close(self._transport, b"408 Request Timeout")
