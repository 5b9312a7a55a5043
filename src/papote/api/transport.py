"""The ASGI WebSocket behind the realtime layer's small Transport interface."""

from __future__ import annotations

from starlette.websockets import WebSocket, WebSocketState


class AsgiTransport:
    def __init__(self, websocket: WebSocket) -> None:
        self._ws = websocket

    async def accept(self) -> None:
        await self._ws.accept()

    async def send_text(self, data: str) -> None:
        await self._ws.send_text(data)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if self._ws.application_state != WebSocketState.DISCONNECTED:
            await self._ws.close(code, reason)
