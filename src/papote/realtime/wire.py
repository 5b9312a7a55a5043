"""WebSocket frames as bytes on the wire, built once per fan-out.

A server's frames are not masked (RFC 6455, 5.1), so the bytes of one text frame are
the same for every recipient: the hub builds them once and each connection writes
them as they are (connection.py). No per-message compression is negotiated
(serve.py), so a frame is always the plain header and the UTF-8 payload.
"""

from __future__ import annotations

from typing import Protocol

_TEXT_FIN = 0x81  # FIN + opcode 1 (text)


class RawWriter(Protocol):
    """The byte stream under an accepted WebSocket (an asyncio transport): whole
    server frames are written to it directly, beside the stack's own frames
    (pings, close), never interleaved inside one."""

    def write(self, data: bytes) -> None: ...

    def get_write_buffer_size(self) -> int: ...

    def is_closing(self) -> bool: ...


def text_frame(text: str) -> bytes:
    """One unfragmented, unmasked text frame carrying ``text``."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        return bytes((_TEXT_FIN, size)) + payload
    if size < 1 << 16:
        return bytes((_TEXT_FIN, 126)) + size.to_bytes(2, "big") + payload
    return bytes((_TEXT_FIN, 127)) + size.to_bytes(8, "big") + payload


_CLOSE_FIN = 0x88  # FIN + opcode 8 (close)


def close_frame(code: int, reason: str = "") -> bytes:
    """An unmasked close frame: the code, then the reason cut to fit a control frame."""
    payload = code.to_bytes(2, "big") + reason.encode()[:123]
    return bytes((_CLOSE_FIN, len(payload))) + payload
