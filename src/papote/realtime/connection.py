"""One client connection: a transport behind a small interface and a bounded send queue.

Fan-out never awaits a client: it pushes the encoded frame onto the connection's
queue. Two ways out, chosen by what the transport offers:

- a raw writer (``Transport.raw_writer``, the byte stream under the WebSocket): the
  frame's bytes, built once per fan-out (wire.py), are appended to the connection's
  pending list, and one callback per loop iteration writes them all with one
  ``write`` (no task, no await per recipient);
- otherwise a writer task per connection awaits ``send_text`` frame after frame.

Either way the queue is bounded in bytes (``send_queue_bytes``, 1 MiB by default,
counting what the raw transport still buffers) and in frames; a client too slow to
keep up (queue over either bound, or no progress of its writes for ``send_stall_s``)
is dropped instead of slowing everyone down or holding the server's memory. See
docs/security-floods-faults.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from prometheus_client import Counter

from papote.realtime.seats import Seat
from papote.realtime.wire import RawWriter, text_frame

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

    # Optional: ``raw_writer() -> RawWriter | None``, the byte stream under the accepted
    # WebSocket, for writing whole frames without the stack's send path.

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


class _Due:
    """The connections of one loop with frames to write: one callback per loop iteration
    writes them all, instead of a ``call_soon`` per connection (a Handle each: in a
    reconnect storm every arrival's ``member_joined`` reaches hundreds of members)."""

    __slots__ = ("_conns", "_loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._conns: list[Connection] = []

    def add(self, conn: Connection) -> None:
        if not self._conns:
            self._loop.call_soon(self._run)
        self._conns.append(conn)

    def _run(self) -> None:
        conns, self._conns = self._conns, []
        for conn in conns:
            try:
                conn._flush()
            except Exception:  # one broken socket must not leave the others unwritten
                log.exception("flush failed", extra={"user": conn.user_id})


_DUE: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Due] = weakref.WeakKeyDictionary()


def _due_on(loop: asyncio.AbstractEventLoop) -> _Due:
    due = _DUE.get(loop)
    if due is None:
        due = _DUE[loop] = _Due(loop)
    return due


class Connection:
    # thousands live at once: no per-instance dict
    __slots__ = (
        "__weakref__",
        "_drained_mark",
        "_dropped",
        "_flush_due",
        "_hangup",
        "_items",
        "_loop",
        "_pending",
        "_queue_bytes",
        "_queue_max",
        "_raw",
        "_ready",
        "_stall_s",
        "_stall_timer",
        "_writer",
        "_written",
        "closed",
        "opened",
        "queued_bytes",
        "seat",
        "transport",
        "user_id",
    )

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
        self._loop = asyncio.get_running_loop()
        self._hangup: asyncio.Task[None] | None = None
        get_raw = getattr(transport, "raw_writer", None)
        self._raw: RawWriter | None = get_raw() if callable(get_raw) else None
        if self._raw is not None:
            self._pending: list[bytes] = []
            self._flush_due = False
            self._written = 0  # bytes handed to the raw transport
            self._stall_timer: asyncio.TimerHandle | None = None
            self._drained_mark = 0
            self._writer: asyncio.Task[None] | None = None
        else:
            self._items: deque[tuple[object, int]] = deque()
            self._ready = asyncio.Event()
            self._writer = asyncio.create_task(self._drain(), name=f"writer-{user_id}")

    def push(self, frame: str, wire: bytes | None = None) -> bool:
        """Queue a frame for this client; False (and the client is dropped) if it lags.
        ``wire`` is the frame's bytes as built once for every recipient (wire.py)."""
        if self.closed:
            return False
        raw = self._raw
        if raw is not None:
            data = text_frame(frame) if wire is None else wire
            size = len(data)
            if (
                len(self._pending) >= self._queue_max
                or self.queued_bytes + raw.get_write_buffer_size() + size > self._queue_bytes
            ):
                self.drop("queue_full")
                return False
            self._pending.append(data)
            self.queued_bytes += size
            if not self._flush_due:  # one write per connection per loop iteration
                self._flush_due = True
                _due_on(self._loop).add(self)
            return True
        size = frame_bytes(frame)
        if len(self._items) >= self._queue_max or self.queued_bytes + size > self._queue_bytes:
            self.drop("queue_full")
            return False
        self._items.append((frame, size))
        self.queued_bytes += size
        self._ready.set()
        return True

    def push_many(self, frames: list[str], wire: bytes) -> bool:
        """Queue several frames whose bytes, joined, are ``wire`` (a batch built once for
        many recipients): one item on the raw path, frame by frame otherwise."""
        if self._raw is not None:
            return self.push("", wire) if frames else True
        return all(self.push(frame) for frame in frames)

    def close_soon(self, code: int = 1000, reason: str = "", *, abort: bool = False) -> None:
        """Close after the frames already queued have been sent; with ``abort`` (an
        abusive client), drop the socket right after the close frame instead of
        waiting for the peer's reply."""
        if self.closed:
            return
        self.closed = True
        if self._raw is not None:
            self._flush()
            self._hangup = self._loop.create_task(self._close(code, reason, abort))
            return
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
        self.queued_bytes = 0
        if self._raw is not None:
            self._pending.clear()
            self._cancel_stall_timer()
        else:
            self._items.clear()
        if self._writer is not None and asyncio.current_task() is not self._writer:
            self._writer.cancel()
        self._hangup = self._loop.create_task(self._hang_up(1013, "too slow"))

    async def _hang_up(self, code: int, reason: str) -> None:
        """Close politely if the socket can still take the close frame, else abort it."""
        try:
            async with asyncio.timeout(CLOSE_GRACE_S):
                await self.transport.close(code, reason)
        except Exception:
            self._abort()

    async def _close(self, code: int, reason: str, abort: bool) -> None:
        await self._hang_up(code, reason)
        if abort:  # a moment for the close frame to be read, then no waiting
            self._loop.call_later(ABORT_AFTER_S, self._abort)

    def _abort(self) -> None:
        with contextlib.suppress(Exception):
            self.transport.abort()

    # -- the raw path: one write per loop iteration --------------------------------
    def _flush(self) -> None:
        self._flush_due = False
        pending = self._pending
        raw = self._raw
        if not pending or raw is None:
            return
        data = pending[0] if len(pending) == 1 else b"".join(pending)
        pending.clear()
        self.queued_bytes = 0
        if raw.is_closing():  # the peer went away; the gateway sees it on its side
            self.closed = True
            return
        raw.write(data)
        self._written += len(data)
        if self._stall_timer is None and raw.get_write_buffer_size():
            self._watch_stall()

    def _watch_stall(self) -> None:
        """While the transport holds unsent bytes, check that some leave every stall_s."""
        raw = self._raw
        if raw is None:
            return
        self._drained_mark = self._written - raw.get_write_buffer_size()
        self._stall_timer = self._loop.call_later(self._stall_s, self._check_stall)

    def _check_stall(self) -> None:
        self._stall_timer = None
        raw = self._raw
        if raw is None or self._dropped or raw.is_closing():
            return
        buffered = raw.get_write_buffer_size()
        if not buffered:
            return
        if self._written - buffered == self._drained_mark:  # not one byte left in stall_s
            self.drop("stalled")
            return
        self._watch_stall()

    def _cancel_stall_timer(self) -> None:
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None

    # -- the task path: a writer task awaiting send_text ---------------------------
    async def _drain(self) -> None:
        while True:
            while not self._items:
                self._ready.clear()
                await self._ready.wait()
            item, size = self._items.popleft()
            self.queued_bytes -= size
            if isinstance(item, tuple):
                await self._close(item[1], item[2], item[3])
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
        """Wait (bounded) until queued frames are written (and a close asked, sent)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                if self._raw is not None:
                    self._flush()
                    if self._hangup is not None:
                        await asyncio.shield(self._hangup)
                    return
                while self._items and self._writer is not None and not self._writer.done():
                    await asyncio.sleep(0.005)

    async def stop(self) -> None:
        """Stop writing; frames queued before a close_soon (a sanction) are sent first."""
        self.closed = True
        await self.flush(1.0)
        if self._raw is not None:
            self._cancel_stall_timer()
            return
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._writer
