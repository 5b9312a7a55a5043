"""The send queue of one connection: bounded in bytes, a stalled client dropped."""

from __future__ import annotations

import asyncio

from papote.realtime.connection import Connection, frame_bytes


class Transport:
    """A socket whose peer reads only when told to (``reading``)."""

    def __init__(self, reading: bool = True) -> None:
        self.sent: list[str] = []
        self.closed: int | None = None
        self.aborted = False
        self.reading = asyncio.Event()
        if reading:
            self.reading.set()

    async def accept(self) -> None:
        return None

    async def send_text(self, data: str) -> None:
        await self.reading.wait()
        self.sent.append(data)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        await self.reading.wait()  # a close frame is written like any other
        self.closed = code

    def abort(self) -> None:
        self.aborted = True


def test_frame_bytes_counts_utf8() -> None:
    assert frame_bytes("abc") == 3
    assert frame_bytes("é") == 2
    assert frame_bytes("😀") == 4


async def test_queue_is_bounded_in_bytes_not_frames() -> None:
    stuck = Transport(reading=False)
    conn = Connection(stuck, "u", queue_max=10_000, queue_bytes=100_000, stall_s=60)
    big = "x" * 30_000
    assert conn.push(big) and conn.push(big) and conn.push(big)  # 90 KB: one in the writer
    assert conn.queued_bytes <= 100_000
    accepted = [conn.push(big) for _ in range(3)]
    assert accepted.count(False) >= 1  # past 100 KB queued: dropped
    assert conn.closed and conn.queued_bytes == 0  # what it was sent is let go
    await asyncio.sleep(1.2)  # the close frame cannot go out: the socket is aborted
    assert stuck.aborted and stuck.closed is None


async def test_many_small_frames_fit_where_few_big_ones_do_not() -> None:
    conn = Connection(Transport(reading=False), "u", queue_max=10_000, queue_bytes=100_000)
    assert all(conn.push("y" * 50) for _ in range(1500))  # 75 KB in 1,500 frames
    assert not conn.closed


async def test_a_write_blocked_past_the_stall_limit_drops_the_client() -> None:
    stuck = Transport(reading=False)
    conn = Connection(stuck, "u", stall_s=0.2)
    conn.push("hello")
    await asyncio.sleep(0.5)
    assert conn.closed
    await asyncio.sleep(1.0)
    assert stuck.aborted


async def test_a_reading_client_gets_everything_in_order_then_the_close() -> None:
    transport = Transport()
    conn = Connection(transport, "u", queue_bytes=1 << 20)
    for i in range(100):
        conn.push(f"frame {i}")
    conn.close_soon(4008, "bye")
    await asyncio.sleep(0.05)
    assert transport.sent == [f"frame {i}" for i in range(100)]
    assert transport.closed == 4008 and not transport.aborted
