"""One client connection: a transport behind a small interface and a bounded send queue.

Fan-out never awaits a client: it pushes the encoded frame onto the connection's
queue; a writer task drains it. The queue is bounded in bytes (``send_queue_bytes``,
1 MiB by default) and in frames; a client too slow to keep up (queue over either
bound, or one write blocked longer than ``send_stall_s``) is dropped instead of
slowing everyone down or holding the server's memory. See docs/security-floods-faults.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from prometheus_client import Counter

from papote.realtime.seats import Seat

log = logging.getLogger(__name__)

SLOW_DROPPED = Counter(
    "papote_slow_clients_dropped_total", "Connections dropped for not reading", ["why"]
)
CLOSE_GRACE_S = 1.0  # a polite close frame, then the socket is aborted
ABORT_AFTER_S = 0.1  # an abusive client: aborted this long after its close frame


class Transport(Protocol):
    """What the realtime layer needs of a WebSocket (ASGI today, picows tomorrow):
    accept the handshake, send one text frame, close with a code, and abort (drop the
    socket at once, without waiting for a peer that does not read)."""

    async def accept(self) -> None: ...

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...

    def abort(self) -> None: ...


_CLOSE = object()


@dataclass(frozen=True, slots=True)
class QueueBounds:
    """How much a connection may owe its client before it is dropped."""

    frames: int = 1024
    bytes: int = 1 << 20
    stall_s: float = 20.0  # one write blocked this long


def frame_bytes(frame: str) -> int:
    """The UTF-8 size of a frame; O(1) for the usual all-ASCII frame."""
    return len(frame) if frame.isascii() else len(frame.encode())


class Connection:
    def __init__(
        self,
        transport: Transport,
        user_id: str,
        *,
        queue_max: int = 1024,
        queue_bytes: int = 1 << 20,
        stall_s: float = 20.0,
    ) -> None:
        self.transport = transport
        self.user_id = user_id
        self.seat: Seat | None = None  # what the connection caps count (seats.py)
        self.opened = time.monotonic()
        self.closed = False
        self._dropped = False
        self.queued_bytes = 0
        self._queue_max = queue_max
        self._queue_bytes = queue_bytes
        self._stall_s = stall_s
        self._items: deque[tuple[object, int]] = deque()
        self._ready = asyncio.Event()
        self._writer = asyncio.create_task(self._drain(), name=f"writer-{user_id}")

    def push(self, frame: str) -> bool:
        """Queue a frame for this client; False (and the client is dropped) if it lags."""
        if self.closed:
            return False
        size = frame_bytes(frame)
        if len(self._items) >= self._queue_max or self.queued_bytes + size > self._queue_bytes:
            self.drop("queue_full")
            return False
        self._items.append((frame, size))
        self.queued_bytes += size
        self._ready.set()
        return True

    def close_soon(self, code: int = 1000, reason: str = "", *, abort: bool = False) -> None:
        """Close after the frames already queued have been sent; with ``abort`` (an
        abusive client), drop the socket right after the close frame instead of
        waiting for the peer's reply."""
        if self.closed:
            return
        self.closed = True
        self._items.append(((_CLOSE, code, reason, abort), 0))
        self._ready.set()

    def drop(self, why: str) -> None:
        """A client that does not read: forget what it was sent, close, then abort."""
        if self._dropped:
            return
        self._dropped = True
        log.warning(
            "dropping slow client",
            extra={"user": self.user_id, "why": why, "queued_bytes": self.queued_bytes},
        )
        SLOW_DROPPED.labels(why).inc()
        self.closed = True
        self._items.clear()
        self.queued_bytes = 0
        if asyncio.current_task() is not self._writer:
            self._writer.cancel()
        asyncio.get_running_loop().create_task(self._hang_up(1013, "too slow"))

    async def _hang_up(self, code: int, reason: str) -> None:
        """Close politely if the socket can still take the close frame, else abort it."""
        try:
            async with asyncio.timeout(CLOSE_GRACE_S):
                await self.transport.close(code, reason)
        except Exception:
            self._abort()

    def _abort(self) -> None:
        with contextlib.suppress(Exception):
            self.transport.abort()

    async def _drain(self) -> None:
        while True:
            while not self._items:
                self._ready.clear()
                await self._ready.wait()
            item, size = self._items.popleft()
            self.queued_bytes -= size
            if isinstance(item, tuple):
                await self._hang_up(item[1], item[2])
                if item[3]:  # a moment for the close frame to be read, then no waiting
                    asyncio.get_running_loop().call_later(ABORT_AFTER_S, self._abort)
                return
            try:
                async with asyncio.timeout(self._stall_s):
                    await self.transport.send_text(item)  # type: ignore[arg-type]
            except TimeoutError:
                self.drop("stalled")
                return
            except Exception:
                self.closed = True
                return

    async def flush(self, timeout: float = 2.0) -> None:
        """Wait (bounded) until queued frames are written."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while self._items and not self._writer.done():
                    await asyncio.sleep(0.005)

    async def stop(self) -> None:
        """Stop writing; frames queued before a close_soon (a sanction) are sent first."""
        self.closed = True
        await self.flush(1.0)
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._writer
