"""The send queue of one connection: bounded in bytes, a stalled client dropped."""

from __future__ import annotations

import asyncio

from papote.realtime.connection import Connection, frame_bytes
from papote.realtime.wire import text_frame
from tests.realtime.test_wire import parse


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


class Stream:
    """A raw byte stream under a WebSocket: keeps what it is given; ``buffered`` is
    what the kernel has not taken yet (the test moves it)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.buffered = 0
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def get_write_buffer_size(self) -> int:
        return self.buffered

    def is_closing(self) -> bool:
        return self.closing


class RawTransport(Transport):
    """A transport that lends its byte stream: frames bypass ``send_text``."""

    def __init__(self, reading: bool = True) -> None:
        super().__init__(reading)
        self.stream = Stream()

    def raw_writer(self) -> Stream:
        return self.stream


async def test_frames_pushed_in_one_iteration_go_out_in_one_write() -> None:
    transport = RawTransport()
    conn = Connection(transport, "u")
    for i in range(100):
        conn.push(f"frame {i}")
    assert transport.stream.writes == []  # nothing written while fan-out runs
    await asyncio.sleep(0)
    assert len(transport.stream.writes) == 1
    assert [f.data.decode() for f in parse(transport.stream.writes[0])] == [
        f"frame {i}" for i in range(100)
    ]
    assert transport.sent == []  # the stack's send path was not used
    conn.push("encore")
    await asyncio.sleep(0)
    assert len(transport.stream.writes) == 2


async def test_the_bytes_built_once_are_the_bytes_written() -> None:
    transport = RawTransport()
    conns = [Connection(transport, f"u{i}") for i in range(3)]
    wire = text_frame("pour tous")
    for conn in conns:
        conn.push("pour tous", wire)
    await asyncio.sleep(0)
    assert all(w is wire for w in transport.stream.writes) and len(transport.stream.writes) == 3


async def test_a_raw_queue_counts_what_the_transport_still_holds() -> None:
    transport = RawTransport(reading=False)  # the close frame cannot go out either
    conn = Connection(transport, "u", queue_bytes=100_000, stall_s=60)
    assert conn.push("x" * 30_000)
    await asyncio.sleep(0)
    transport.stream.buffered = 90_000  # the peer does not read
    assert not conn.push("x" * 30_000)  # 90 KB held + 30 KB > 100 KB: dropped
    assert conn.closed and conn.queued_bytes == 0
    await asyncio.sleep(1.2)
    assert transport.aborted and transport.closed is None


async def test_a_raw_queue_is_bounded_in_frames_within_one_iteration() -> None:
    conn = Connection(RawTransport(), "u", queue_max=10)
    assert all(conn.push("y") for _ in range(10))
    assert not conn.push("y") and conn.closed


async def test_a_raw_stream_that_does_not_drain_for_stall_s_is_dropped() -> None:
    transport = RawTransport(reading=False)
    transport.stream.buffered = 5_000
    conn = Connection(transport, "u", stall_s=0.2)
    conn.push("hello")
    await asyncio.sleep(0.5)
    assert conn.closed
    await asyncio.sleep(1.0)
    assert transport.aborted


async def test_a_raw_stream_that_drains_slowly_is_kept() -> None:
    transport = RawTransport()
    transport.stream.buffered = 50_000
    conn = Connection(transport, "u", stall_s=0.2)
    conn.push("hello")
    for _ in range(6):  # a few bytes leave in every stall window
        await asyncio.sleep(0.1)
        transport.stream.buffered -= 1_000
    assert not conn.closed
    transport.stream.buffered = 0
    await asyncio.sleep(0.3)
    assert not conn.closed


async def test_a_raw_close_comes_after_the_frames_queued_before_it() -> None:
    transport = RawTransport()
    conn = Connection(transport, "u")
    conn.push("sanction")
    conn.close_soon(4003, "suspended", abort=True)
    assert not conn.push("after")  # nothing after the close
    await conn.flush()
    assert [f.data.decode() for f in parse(b"".join(transport.stream.writes))] == ["sanction"]
    assert transport.closed == 4003
    await asyncio.sleep(0.2)
    assert transport.aborted


async def test_a_closing_stream_is_not_written_to() -> None:
    transport = RawTransport()
    conn = Connection(transport, "u")
    transport.stream.closing = True
    conn.push("perdu")
    await asyncio.sleep(0)
    assert transport.stream.writes == [] and conn.closed
