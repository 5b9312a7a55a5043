"""The ASGI WebSocket behind the realtime layer's small Transport interface.

Everything the gateway needs of a socket goes through here: accept, receive a text
frame, send one, close, and abort. Another stack (picows) can replace this module
with the same five methods; the frame budget (api/flood.py) and the byte-bounded send
queue with its slow-consumer drop (realtime/connection.py) do not depend on ASGI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketState

ABORT_KEY = "papote.abort"


class Disconnected(Exception):
    """The peer went away (or the socket was aborted)."""


class AbortHook:
    """ASGI middleware: remember how to abort the server's socket for a WebSocket.

    ASGI has no "abort": a close frame must be written, and a peer that does not read
    never lets it through. uvicorn's ``send`` is a method of its protocol object, which
    holds the asyncio transport; we keep its ``abort`` in the scope. Another server
    gives no hook, and a dropped client is then only closed.
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
        await self.app(scope, receive, send)


class AsgiTransport:
    def __init__(self, websocket: WebSocket) -> None:
        self._ws = websocket
        self._abort: Callable[[], Any] | None = websocket.scope.get(ABORT_KEY)

    async def accept(self) -> None:
        await self._ws.accept()

    async def receive_text(self) -> str | None:
        """The next text frame; None for a binary frame; Disconnected when it is over."""
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
