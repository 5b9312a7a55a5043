"""How the load generator talks to each server it drives.

Papote and the bare ceiling server speak Papote's JSON frames (docs/protocol.md);
the Socket.IO peers (Node's socket.io, python-socketio) carry the same JSON objects
as Socket.IO events over Engine.IO v4 on a WebSocket: ``42["say",{...}]`` out,
``42["message",{...}]`` in, ``2``/``3`` for Engine.IO's ping and pong. Only the
control frames are decoded as JSON; message frames are recognised by their prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True)
class Dialect:
    name: str
    path: str
    message_prefix: bytes
    entry: bool  # whether users enter over HTTP first (POST /api/v1/session)

    def encode(self, frame: dict[str, Any]) -> bytes:
        encoded: bytes = orjson.dumps(frame)
        return encoded

    def decode(self, data: bytes) -> tuple[dict[str, Any] | None, bytes | None]:
        """(the frame as JSON or None, a reply to write at once or None)."""
        return orjson.loads(data), None

    def hello(self, token: str) -> bytes:
        return orjson.dumps({"type": "hello", "token": token, "ref": "hello"})


class SocketIO(Dialect):
    def encode(self, frame: dict[str, Any]) -> bytes:
        kind: str = frame["type"]
        return b'42["' + kind.encode() + b'",' + orjson.dumps(frame) + b"]"

    def decode(self, data: bytes) -> tuple[dict[str, Any] | None, bytes | None]:
        if data.startswith(b"42"):
            event = orjson.loads(data[2:])
            return (event[1] if len(event) > 1 and isinstance(event[1], dict) else None), None
        if data == b"2":  # Engine.IO ping
            return None, b"3"
        if data.startswith(b"40"):  # connected to the namespace: our "welcome"
            return {"type": "welcome", "ref": "hello", "rooms": []}, None
        if data.startswith(b"0"):  # Engine.IO open: connect to the default namespace
            return None, b"40"
        if data.startswith(b"44"):
            return {"type": "error", "code": "connect_error", "ref": "hello"}, None
        return None, None

    def hello(self, token: str) -> bytes:
        return b""  # the namespace connect answers the Engine.IO open (see decode)


PAPOTE = Dialect("papote", "/api/v1/ws", b'{"type":"message"', entry=True)
BARE = Dialect("bare", "/api/v1/ws", b'{"type":"message"', entry=False)
SOCKETIO = SocketIO(
    "socketio", "/socket.io/?EIO=4&transport=websocket", b'42["message"', entry=False
)
DIALECTS = {d.name: d for d in (PAPOTE, BARE, SOCKETIO)}
