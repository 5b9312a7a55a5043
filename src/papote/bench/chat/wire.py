"""A WebSocket client connection made by hand, cheap per received frame.

The load generator must cost far less per frame than the server it measures, so it
does not use a WebSocket library: an ``asyncio.Protocol`` over a raw socket, the
upgrade request written by hand, client frames masked (RFC 6455 section 5.3) with a
fixed key per connection, server frames (never masked) cut out of the byte stream
with a few slices. Each user's socket is bound to its own loopback source address
(127.x.y.z) so that per-address limits and ephemeral ports are not shared.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import struct
from collections.abc import Callable
from typing import cast

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def source_address(index: int) -> str:
    """A loopback address of one's own for user ``index`` (127.1.0.1 upwards)."""
    n = index + 1
    return f"127.{1 + n // 65024}.{(n // 254) % 256}.{1 + n % 254}"


def mask_frame(payload: bytes, key: bytes, opcode: int = OP_TEXT) -> bytes:
    """One final client frame, masked with ``key`` (4 bytes)."""
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    elif size < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
    # XOR the payload with the key repeated, done on one big integer (no Python loop)
    repeated = (key * (size // 4 + 1))[:size]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
        size, "big"
    )
    return head + key + masked


class WsClient(asyncio.Protocol):
    """One client connection: ``on_text(bytes)`` is called for every text frame."""

    def __init__(self, host: str, path: str, on_text: Callable[[bytes], None]) -> None:
        self.host = host
        self.path = path
        self.on_text = on_text
        self.on_closed: Callable[[str], None] | None = None
        self.key = os.urandom(4)
        self.transport: asyncio.Transport | None = None
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed = False
        self._buf = b""
        self._upgraded = False
        self._fragments: list[bytes] = []

    # -- asyncio.Protocol -------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # a TCP transport: writable
        nonce = base64.b64encode(os.urandom(16)).decode()
        self.transport.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {nonce}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )

    def data_received(self, data: bytes) -> None:
        buf = self._buf + data if self._buf else data
        if not self._upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                self._buf = buf
                return
            status = buf[: buf.find(b"\r\n")]
            if b" 101 " not in status:
                self._fail(f"upgrade refused: {status.decode(errors='replace')}")
                return
            self._upgraded = True
            if not self.opened.done():
                self.opened.set_result(None)
            buf = buf[end + 4 :]
        pos, size = 0, len(buf)
        on_text = self.on_text
        while size - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1] & 0x7F
            head = 2
            if b1 == 126:
                if size - pos < 4:
                    break
                b1 = (buf[pos + 2] << 8) | buf[pos + 3]
                head = 4
            elif b1 == 127:
                if size - pos < 10:
                    break
                b1 = struct.unpack_from("!Q", buf, pos + 2)[0]
                head = 10
            end = pos + head + b1
            if end > size:
                break
            opcode = b0 & 0x0F
            if b0 == 0x81:  # a whole text frame: the hot path
                on_text(buf[pos + head : end])
            else:
                self._control(b0, opcode, buf[pos + head : end])
            pos = end
        self._buf = buf[pos:] if pos < size else b""

    def _control(self, b0: int, opcode: int, payload: bytes) -> None:
        if opcode == OP_PING:
            self.write(payload, OP_PONG)
        elif opcode == OP_CLOSE:
            code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
            self._fail(f"closed by the server: {code} {payload[2:].decode(errors='replace')}")
        elif opcode in (OP_TEXT, OP_CONT):  # fragmented text
            self._fragments.append(payload)
            if b0 & 0x80:
                whole = b"".join(self._fragments)
                self._fragments.clear()
                self.on_text(whole)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(f"connection lost: {exc!r}" if exc else "connection closed")

    # -- use ------------------------------------------------------------------------
    def _fail(self, why: str) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(why))
        if not self.closed:
            self.closed = True
            if self.transport is not None:
                self.transport.close()
            if self.on_closed is not None:
                self.on_closed(why)

    def write(self, payload: bytes, opcode: int = OP_TEXT) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(mask_frame(payload, self.key, opcode))

    def close(self) -> None:
        if self.transport is not None and not self.closed:
            self.write(struct.pack("!H", 1000), OP_CLOSE)
            self.closed = True
            self.transport.close()


async def open_ws(
    host: str,
    port: int,
    path: str,
    source: str,
    on_text: Callable[[bytes], None],
    timeout: float = 30.0,
) -> WsClient:
    """Connect from ``source`` (a loopback address) and finish the upgrade."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((source, 0))
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
    except BaseException:
        sock.close()
        raise
    _, client = await loop.create_connection(
        lambda: WsClient(f"{host}:{port}", path, on_text), sock=sock
    )
    await asyncio.wait_for(client.opened, timeout)
    return client
