"""The ceiling: a bare picows server with no logic, speaking just enough of Papote's
frames for the generator (hello -> welcome, join -> joined, say -> ack + message to
the room). A message is encoded once into one WebSocket frame; the frames due to a
connection within one loop iteration are joined and written with one call.

Run: ``python -m papote.bench.chat.peers.bare PORT`` (needs the ``bench`` extra).
"""

from __future__ import annotations

import asyncio
import struct
import sys
from collections import defaultdict
from typing import Any

import orjson
from picows import WSFrame, WSListener, WSMsgType, WSTransport, ws_create_server


def server_frame(payload: bytes) -> bytes:
    size = len(payload)
    if size < 126:
        return bytes((0x81, size)) + payload
    if size < 65536:
        return struct.pack("!BBH", 0x81, 126, size) + payload
    return struct.pack("!BBQ", 0x81, 127, size) + payload


class Ceiling:
    def __init__(self) -> None:
        self.rooms: dict[str, set[WSTransport]] = defaultdict(set)
        self.pending: dict[WSTransport, list[bytes]] = {}
        self.counter = 0

    def queue(self, transport: WSTransport, frame: bytes) -> None:
        if not self.pending:
            asyncio.get_running_loop().call_soon(self.flush)
        self.pending.setdefault(transport, []).append(frame)

    def flush(self) -> None:
        pending, self.pending = self.pending, {}
        for transport, frames in pending.items():
            transport.underlying_transport.write(b"".join(frames))

    def handle(self, transport: WSTransport, frame: dict[str, Any]) -> None:
        kind, ref = frame.get("type"), frame.get("ref")
        reply: dict[str, Any]
        if kind == "hello":
            reply = {"type": "welcome", "ref": ref, "rooms": []}
        elif kind == "join":
            self.rooms[frame["room"]].add(transport)
            reply = {"type": "joined", "ref": ref, "room": {"id": frame["room"]}}
        elif kind == "say":
            self.counter += 1
            room = frame["room"]
            message = {"id": str(self.counter), "room": room, "text": frame["text"], "media": None}
            self.queue(
                transport,
                server_frame(orjson.dumps({"type": "ack", "ref": ref, "message": message})),
            )
            once = server_frame(orjson.dumps({"type": "message", "message": message}))
            for member in self.rooms[room]:
                self.queue(member, once)
            return
        else:
            reply = {"type": "pong", "ref": ref}
        self.queue(transport, server_frame(orjson.dumps(reply)))

    def forget(self, transport: WSTransport) -> None:
        for members in self.rooms.values():
            members.discard(transport)


class _Listener(WSListener):
    def __init__(self, ceiling: Ceiling) -> None:
        self.ceiling = ceiling

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        if frame.msg_type == WSMsgType.TEXT:
            self.ceiling.handle(transport, orjson.loads(frame.get_payload_as_bytes()))
        elif frame.msg_type == WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()
        elif frame.msg_type == WSMsgType.PING:
            transport.send_pong(frame.get_payload_as_bytes())

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        self.ceiling.forget(transport)


async def serve(port: int) -> None:
    ceiling = Ceiling()
    server = await ws_create_server(lambda _request: _Listener(ceiling), "127.0.0.1", port)
    print(f"bare ceiling on {port}", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    import uvloop

    uvloop.run(serve(int(sys.argv[1])))
