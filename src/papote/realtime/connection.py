"""One client connection: a transport behind a small interface and a bounded send queue.

Fan-out never awaits a client: it pushes the encoded frame onto the connection's
queue; a writer task drains it. A client too slow to keep up (queue full) is
disconnected instead of slowing everyone down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

log = logging.getLogger(__name__)


class Transport(Protocol):
    """What the realtime layer needs of a WebSocket (ASGI today, picows tomorrow):
    accept the handshake, send one text frame, close with a code."""

    async def accept(self) -> None: ...

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...


_CLOSE = object()


class Connection:
    def __init__(self, transport: Transport, user_id: str, *, queue_max: int = 1024) -> None:
        self.transport = transport
        self.user_id = user_id
        self.closed = False
        self._queue: asyncio.Queue[object] = asyncio.Queue(maxsize=queue_max)
        self._writer = asyncio.create_task(self._drain(), name=f"writer-{user_id}")

    def push(self, frame: str) -> bool:
        """Queue a frame for this client; False (and the client is dropped) if it lags."""
        if self.closed:
            return False
        try:
            self._queue.put_nowait(frame)
        except asyncio.QueueFull:
            log.warning("dropping slow client", extra={"user": self.user_id})
            self.close_soon(1013, "too slow")
            return False
        return True

    def close_soon(self, code: int = 1000, reason: str = "") -> None:
        """Close after the frames already queued have been sent."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait((_CLOSE, code, reason))
        if self._queue.full():
            self._writer.cancel()
            asyncio.get_running_loop().create_task(self._close_transport(code, reason))

    async def _close_transport(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await self.transport.close(code, reason)

    async def _drain(self) -> None:
        while True:
            item = await self._queue.get()
            if isinstance(item, tuple) and item and item[0] is _CLOSE:
                await self._close_transport(item[1], item[2])
                return
            try:
                await self.transport.send_text(item)  # type: ignore[arg-type]
            except Exception:
                self.closed = True
                return

    async def flush(self, timeout: float = 2.0) -> None:
        """Wait (bounded) until queued frames are written."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while not self._queue.empty() and not self._writer.done():
                    await asyncio.sleep(0.005)

    async def stop(self) -> None:
        """Stop writing; frames queued before a close_soon (a sanction) are sent first."""
        self.closed = True
        await self.flush(1.0)
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._writer
