"""The WebSocket transport, and the protections that hold whatever stack carries it.

Two halves. ``Socket`` is what the gateway (api/ws.py) needs of a WebSocket stack: the
handshake's few facts, accept or refuse, receive and send a text frame, close, and
abort; ``AsgiTransport`` is today's (Starlette on uvicorn). ``Protections`` is every
transport-level protection, applied by the gateway to any ``Socket``:

- the handshake's ``Origin`` / ``Sec-Fetch-Site`` against the site and
  ``PAPOTE_ALLOWED_ORIGINS`` (a refused handshake answers 403);
- the client's address, hashed here and never passed on raw (caps, logs, reports);
- the frame size limit and the frame budget of each person, shared by the cluster
  (api/flood.py: slowed, refused, closed);
- the connection caps per person and per address prefix, counted for the cluster
  (actions/caps.py, realtime/seats.py), keyed by the hashed prefix given here;
- the send queue bounded in bytes and frames, with a slow consumer dropped and its
  socket aborted (realtime/connection.py), with ``queue_bounds`` given here.

A ``Socket`` may also offer ``raw_writer()``: the byte stream under the accepted
WebSocket, to which the connection writes frames built once per fan-out
(realtime/wire.py), one write per loop iteration. ``AsgiTransport`` offers it under
uvicorn's websockets-sansio protocol (serve.py), whose own writes (handshake, pings,
close) are whole frames too.

The second stack is picows (``PAPOTE_WS_STACK=picows``): api/ws_picows.py's
``PicowsSocket`` is one more ``Socket``, on the same port (api/stack_switch.py); none of
the protections above changes. See docs/security-floods-faults.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketState
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from papote.actions.services import Services
from papote.api.flood import FloodGuard
from papote.api.guard import origin_allowed
from papote.api.net import address_prefix
from papote.realtime.connection import QueueBounds
from papote.realtime.wire import RawWriter
from papote.safety.age_gate import hash_ip

ABORT_KEY = "papote.abort"
RAW_KEY = "papote.raw"


class Disconnected(Exception):
    """The peer went away (or the socket was aborted)."""


@dataclass(frozen=True, slots=True)
class Handshake:
    """What the protections need to know of a WebSocket handshake."""

    client_ip: str  # after the trusted proxy's X-Forwarded-For; hashed before use
    headers: dict[str, str]  # lower-case names: host, origin, sec-fetch-site


class Socket(Protocol):
    """A WebSocket of any stack, as the gateway uses it (``AsgiTransport``, ``PicowsSocket``)."""

    handshake: Handshake

    async def accept(self) -> None: ...

    async def refuse(self) -> None:
        """Refuse the handshake (HTTP 403), before accepting."""

    async def receive_text(self) -> str | None:
        """The next text frame; None for a binary frame; Disconnected when it is over."""

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...

    def abort(self) -> None: ...


class Protections:
    """The transport-level protections of one node, for every socket of every stack."""

    def __init__(self, svc: Services) -> None:
        self._svc = svc
        settings = svc.settings
        self.max_frame_bytes = settings.max_frame_bytes
        self.queue_bounds = QueueBounds(
            frames=settings.send_queue_max,
            bytes=settings.send_queue_bytes,
            stall_s=settings.send_stall_s,
        )

    def origin_allowed(self, handshake: Handshake) -> bool:
        return origin_allowed(self._svc.settings, handshake.headers)

    def address_hash(self, handshake: Handshake) -> str:
        return hash_ip(handshake.client_ip, self._svc.settings.secret)

    def prefix_hash(self, handshake: Handshake) -> str:
        """The hashed address prefix the connection caps count (IPv4, or IPv6 /64)."""
        return hash_ip(address_prefix(handshake.client_ip), self._svc.settings.secret)

    def too_large(self, raw: str) -> bool:
        limit = self.max_frame_bytes
        return len(raw) > limit or (not raw.isascii() and len(raw.encode()) > limit)

    def frame_guard(self, person: str) -> FloodGuard:
        """The frame budget of one person's connection (one budget per person, cluster-wide)."""
        limits = self._svc.limits

        async def hit(cost: int) -> bool:
            return await limits.hit("frames", person, cost)

        return FloodGuard(hit, close_after=self._svc.settings.flood_close_after)


class AbortHook:
    """ASGI middleware: remember how to abort the server's socket for a WebSocket, and
    how to write frames to it directly.

    ASGI has no "abort": a close frame must be written, and a peer that does not read
    never lets it through. uvicorn's ``send`` is a method of its protocol object, which
    holds the asyncio transport; we keep its ``abort`` in the scope. Another server
    gives no hook, and a dropped client is then only closed. Under uvicorn's
    websockets-sansio protocol the same transport is kept as the raw writer (every
    frame that protocol writes is whole, so ours can go between them).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            protocol = getattr(send, "__self__", None)
            transport = getattr(protocol, "transport", None)
            abort = getattr(transport, "abort", None)
            if callable(abort):
                scope[ABORT_KEY] = abort
            if isinstance(protocol, WebSocketsSansIOProtocol) and transport is not None:
                scope[RAW_KEY] = transport
        await self.app(scope, receive, send)


HANDSHAKE_HEADERS = ("host", "origin", "sec-fetch-site")


class AsgiTransport:
    """A Starlette WebSocket as a ``Socket``."""

    def __init__(self, websocket: WebSocket) -> None:
        self._ws = websocket
        self._abort: Callable[[], Any] | None = websocket.scope.get(ABORT_KEY)
        # uvicorn applies X-Forwarded-For only from trusted proxies (--forwarded-allow-ips)
        client = websocket.client.host if websocket.client else "0.0.0.0"
        headers = {h: websocket.headers[h] for h in HANDSHAKE_HEADERS if h in websocket.headers}
        self.handshake = Handshake(client, headers)

    async def accept(self) -> None:
        await self._ws.accept()

    def raw_writer(self) -> RawWriter | None:
        """The transport under the accepted WebSocket, if the server lends it."""
        raw: RawWriter | None = self._ws.scope.get(RAW_KEY)
        if raw is None or self._ws.application_state != WebSocketState.CONNECTED:
            return None
        return raw

    async def refuse(self) -> None:
        await self._ws.close(1008)  # before accepting: the handshake answers 403

    async def receive_text(self) -> str | None:
        message = await self._ws.receive()
        if message["type"] == "websocket.disconnect":
            raise Disconnected(message.get("code", 1000))
        if message.get("text") is not None:
            return str(message["text"])
        return None

    async def send_text(self, data: str) -> None:
        await self._ws.send_text(data)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if self._ws.application_state != WebSocketState.DISCONNECTED:
            await self._ws.close(code, reason)

    def abort(self) -> None:
        if self._abort is not None:
            self._abort()
