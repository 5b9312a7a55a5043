"""The WebSocket path on picows: the same gateway and protections, a cheaper stack.

With ``PAPOTE_WS_STACK=picows``, ``papote serve`` hands each upgrade to ``/api/v1/ws``
to picows on the same port (api/stack_switch.py) and everything else to uvicorn. Here:

- ``PicowsFront`` answers the handshake: the client's address (the peer, or through a
  trusted proxy its ``X-Forwarded-For``, as uvicorn does for HTTP), the ``Origin`` /
  ``Sec-Fetch-Site`` check of ``Protections`` (a refused handshake answers 403 before
  any upgrade), then one gateway task per socket (api/ws.py ``serve_socket``, the same
  as under ASGI) and, at shutdown, a 1012 close for sockets not yet in the hub;
- ``PicowsSocket`` is the ``Socket`` (api/transport.py): text frames in a small inbox
  (reading pauses when it holds ``INBOX_HIGH`` frames: a flooder fills its TCP window,
  not the server's memory), fragmented messages joined up to ``max_message`` bytes (then
  1009), bad UTF-8 closed with 1007, and ``raw_writer()`` the asyncio transport, where
  the connection writes frames built once per fan-out (realtime/wire.py). picows's own
  writes (pong, the handshake, a keepalive ping's close) are whole frames too.

The frame size limit, the flood budget, the connection caps and the bounded send queue
are the gateway's and the connection's, unchanged. See docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from picows import (
    WSFrame,
    WSListener,
    WSMsgType,
    WSTransport,
    WSUpgradeRequest,
    WSUpgradeResponse,
    WSUpgradeResponseWithListener,
)
from starlette.applications import Starlette
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from papote.api.transport import HANDSHAKE_HEADERS, Disconnected, Handshake
from papote.api.ws import protections, serve_socket
from papote.realtime.wire import RawWriter, close_frame, text_frame

log = logging.getLogger(__name__)
# uvicorn's access lines for a WebSocket, in its logger: logs.py hashes their address
access_log = logging.getLogger("uvicorn.error")

INBOX_HIGH = 64  # frames received and not yet read by the gateway: stop reading the socket
INBOX_LOW = 16  # ... and read again below this
CLOSE_TIMEOUT_S = 2.0  # our close frame sent: the peer has this long to answer, then abort
NO_STATUS = 1005  # a close frame without a code (RFC 6455, 7.4.1)
ABNORMAL = 1006  # the connection was lost without a close frame


class PicowsSocket(WSListener):
    """One WebSocket on picows, as the gateway's ``Socket``."""

    def __init__(
        self, handshake: Handshake, max_message: int, on_open: Callable[[PicowsSocket], None]
    ) -> None:
        super().__init__()
        self.handshake = handshake
        self._max_message = max_message
        self._on_open = on_open
        self._ws: WSTransport | None = None
        self._inbox: deque[str | None] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._parts: list[bytes] | None = None  # a fragmented message being received
        self._parts_text = False
        self._parts_size = 0
        self._paused = False
        self._gone: int | None = None  # the close code, once the peer is gone
        self._close_sent = False
        self._closer: asyncio.TimerHandle | None = None

    # -- picows's callbacks --------------------------------------------------------
    def on_ws_connected(self, transport: WSTransport) -> None:
        self._ws = transport
        self._on_open(self)

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        kind = frame.msg_type
        if kind is WSMsgType.TEXT or kind is WSMsgType.BINARY:
            if self._parts is not None:  # a new message inside a fragmented one
                self._fail(1002, "expected a continuation frame")
            elif frame.fin:
                self._message(kind is WSMsgType.TEXT, frame.get_payload_as_bytes())
            else:
                self._parts, self._parts_text = [], kind is WSMsgType.TEXT
                self._parts_size = 0
                self._fragment(frame)
        elif kind is WSMsgType.CONTINUATION:
            if self._parts is None:
                self._fail(1002, "unexpected continuation frame")
            else:
                self._fragment(frame)
        elif kind is WSMsgType.CLOSE:
            payload = frame.get_payload_as_bytes()
            code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else NO_STATUS
            self._peer_closed(code, payload[2:])

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        if self._gone is None:
            self._gone = ABNORMAL
        if self._closer is not None:
            self._closer.cancel()
            self._closer = None
        self._wake()

    # -- what the gateway uses (transport.Socket) -----------------------------------
    async def accept(self) -> None:
        """Nothing to do: the upgrade was answered (101) after the origin check."""

    async def refuse(self) -> None:
        await self.close(1008)

    def raw_writer(self) -> RawWriter | None:
        ws = self._ws
        if ws is None or ws.is_disconnected or self._close_sent:
            return None
        transport: RawWriter = ws.underlying_transport
        return transport

    async def receive_text(self) -> str | None:
        while not self._inbox:
            if self._gone is not None:
                raise Disconnected(self._gone)
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        item = self._inbox.popleft()
        if self._paused and len(self._inbox) <= INBOX_LOW and self._ws is not None:
            self._paused = False
            self._ws.underlying_transport.resume_reading()
        return item

    async def send_text(self, data: str) -> None:
        ws = self._ws
        if ws is None or ws.is_disconnected or self._close_sent:
            raise Disconnected(self._gone or ABNORMAL)
        ws.underlying_transport.write(text_frame(data))

    async def close(self, code: int = 1000, reason: str = "") -> None:
        ws = self._ws
        if ws is None or ws.is_disconnected or self._close_sent:
            return
        self._close_sent = True
        raw = ws.underlying_transport
        raw.write(close_frame(code, reason))
        if self._gone is not None:  # the peer closed first: our answer ends it
            raw.close()
        else:  # wait for the peer's close frame, not for ever
            self._closer = asyncio.get_running_loop().call_later(CLOSE_TIMEOUT_S, raw.abort)

    def abort(self) -> None:
        if self._ws is not None:
            self._ws.disconnect(graceful=False)

    @property
    def open(self) -> bool:
        return self._ws is not None and not self._ws.is_disconnected and not self._close_sent

    # -- inside ----------------------------------------------------------------------
    def _fragment(self, frame: WSFrame) -> None:
        assert self._parts is not None
        payload = frame.get_payload_as_bytes()
        self._parts_size += len(payload)
        if self._parts_size > self._max_message:
            self._fail(1009, "message too big")
            return
        self._parts.append(payload)
        if frame.fin:
            parts, self._parts = self._parts, None
            self._message(self._parts_text, b"".join(parts))

    def _message(self, text: bool, payload: bytes) -> None:
        if self._gone is not None or self._close_sent:
            return
        if not text:
            self._push(None)  # the gateway answers a binary frame with bad_frame
            return
        try:
            self._push(payload.decode())
        except UnicodeDecodeError:
            self._fail(1007, "invalid UTF-8")

    def _push(self, item: str | None) -> None:
        self._inbox.append(item)
        if len(self._inbox) >= INBOX_HIGH and not self._paused and self._ws is not None:
            self._paused = True
            self._ws.underlying_transport.pause_reading()
        self._wake()

    def _peer_closed(self, code: int, reason: bytes) -> None:
        self._gone = code
        ws = self._ws
        if ws is not None and not ws.is_disconnected:
            if not self._close_sent:  # echo the peer's close (RFC 6455, 5.5.1), as uvicorn
                self._close_sent = True
                if code == NO_STATUS:
                    echo = bytes((0x88, 0))  # no code asked, none answered
                else:
                    echo = close_frame(code, reason.decode(errors="replace"))
                ws.underlying_transport.write(echo)
            ws.underlying_transport.close()
        self._wake()

    def _fail(self, code: int, reason: str) -> None:
        """A protocol error: close with ``code`` and stop reading."""
        self._parts = None
        if self._gone is None:
            self._gone = code
        ws = self._ws
        if ws is not None and not ws.is_disconnected and not self._close_sent:
            self._close_sent = True
            ws.underlying_transport.write(close_frame(code, reason))
            ws.underlying_transport.close()
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class PicowsFront:
    """The picows side of one server: handshakes in, one gateway task per socket."""

    def __init__(self, app: Starlette, max_message: int) -> None:
        self._app = app
        self.max_frame_bytes = max_message  # picows closes a bigger frame with 1009
        self._proxy: Any = None
        self._sockets: dict[PicowsSocket, asyncio.Task[None]] = {}

    def trust_proxies(self, hosts: list[str] | str) -> None:
        """Read X-Forwarded-For from these peers, by uvicorn's own rule (``--proxy``)."""
        self._proxy = ProxyHeadersMiddleware(self._app, hosts).trusted_hosts  # type: ignore[arg-type]

    def listener(
        self, request: WSUpgradeRequest, peer: str, port: int = 0
    ) -> PicowsSocket | WSUpgradeResponseWithListener:
        """picows's listener factory: 403 for a page of another site, else a socket."""
        headers = {h: request.headers[h] for h in HANDSHAKE_HEADERS if h in request.headers}
        handshake = Handshake(self.client_ip(request, peer), headers)
        client, path = f"{handshake.client_ip}:{port}", request.path.decode("latin-1")
        if not protections(self._app.state.services).origin_allowed(handshake):
            access_log.info('%s - "WebSocket %s" 403', client, path)
            refused = WSUpgradeResponse.create_error_response(403, b"403 Forbidden")
            return WSUpgradeResponseWithListener(refused, None)
        access_log.info('%s - "WebSocket %s" [accepted]', client, path)
        return PicowsSocket(handshake, self.max_frame_bytes, self._start)

    def client_ip(self, request: WSUpgradeRequest, peer: str) -> str:
        if self._proxy is None or peer not in self._proxy:
            return peer
        forwarded = ", ".join(request.headers.getall("x-forwarded-for", []))
        if not forwarded:
            return peer
        host, _port = self._proxy.get_trusted_client_address(forwarded)
        return host or peer

    def _start(self, sock: PicowsSocket) -> None:
        svc = self._app.state.services
        task = asyncio.get_running_loop().create_task(serve_socket(svc, sock))
        self._sockets[sock] = task
        task.add_done_callback(lambda done: self._ended(sock, done))

    def _ended(self, sock: PicowsSocket, task: asyncio.Task[None]) -> None:
        """The gateway returned: a socket it left open is closed, as uvicorn does
        (1011 if the gateway failed; else 1000 once a pending close had its turn)."""
        self._sockets.pop(sock, None)
        if task.cancelled() or task.exception() is not None:
            if not task.cancelled():
                log.error("websocket gateway failed", exc_info=task.exception())
            _close_later(sock, 1011, 0.0)
            return
        _close_later(sock, 1000, CLOSE_TIMEOUT_S)

    async def shutdown(self, timeout: float = 3.0) -> None:
        """Close every socket still open (1012) and let their gateways finish."""
        for sock in list(self._sockets):
            await sock.close(1012, "server restart")
        tasks = list(self._sockets.values())
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
        for sock in list(self._sockets):
            sock.abort()


def _close_later(sock: PicowsSocket, code: int, delay: float) -> None:
    def close() -> None:
        if sock.open:
            task = asyncio.get_running_loop().create_task(sock.close(code))
            task.add_done_callback(_ignore)

    asyncio.get_running_loop().call_later(delay, close)


def _ignore(task: asyncio.Task[Any]) -> None:
    with contextlib.suppress(asyncio.CancelledError, Exception):
        task.result()
