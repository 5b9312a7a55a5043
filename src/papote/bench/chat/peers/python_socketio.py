"""python-socketio with a room emit (ASGI under uvicorn): a peer for ``big-room``.

Run: ``python -m papote.bench.chat.peers.python_socketio PORT`` (``bench`` extra).
Frames are encoded with orjson (compact, as Node's socket.io does).
"""

from __future__ import annotations

import sys
from typing import Any

import orjson
import socketio
import uvicorn


class _Json:
    """The ``json`` module python-socketio is given: compact, like JSON.stringify."""

    @staticmethod
    def dumps(obj: Any, **_kwargs: Any) -> str:
        return orjson.dumps(obj).decode()

    @staticmethod
    def loads(text: str | bytes, **_kwargs: Any) -> Any:
        return orjson.loads(text)


def build() -> Any:
    sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*", json=_Json)
    counter = [0]

    @sio.on("join")  # type: ignore[untyped-decorator]
    async def join(sid: str, frame: dict[str, Any]) -> None:
        await sio.enter_room(sid, frame["room"])
        await sio.emit("joined", {"type": "joined", "ref": frame["ref"]}, to=sid)

    @sio.on("say")  # type: ignore[untyped-decorator]
    async def say(sid: str, frame: dict[str, Any]) -> None:
        counter[0] += 1
        room = frame["room"]
        message = {"id": str(counter[0]), "room": room, "text": frame["text"], "media": None}
        await sio.emit("ack", {"type": "ack", "ref": frame["ref"], "message": message}, to=sid)
        await sio.emit("message", {"type": "message", "message": message}, room=room)

    return socketio.ASGIApp(sio)


if __name__ == "__main__":
    uvicorn.run(
        build(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", loop="uvloop"
    )
