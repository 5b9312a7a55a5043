"""A small protocol client for tests: entry over HTTP, frames over a real WebSocket."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import httpx
import websockets

_refs = itertools.count(1)
_pseudos = itertools.count(1)


_CONSONANTS = "bcdfghjklmnpqrstvwxz"


def unique_pseudo(prefix: str = "t") -> str:
    """A pseudo no one else holds. Written in consonants, not digits: digits read as
    leetspeak ("t3_5..."), and the pseudo filter judged some of them as words."""
    n = next(_pseudos) * 10_000 + id(object()) % 10_000
    letters = ""
    while n:
        n, r = divmod(n, len(_CONSONANTS))
        letters += _CONSONANTS[r]
    return f"{prefix}_{letters}"[:20]


async def enter(
    base_url: str, cookies: dict[str, str] | None = None, **fields: Any
) -> dict[str, Any]:
    """Enter over HTTP; the browser's cookies come back under ``"cookies"`` (a ban falls
    on that browser: pass them again to enter as the same browser)."""
    body = {"pseudo": unique_pseudo(), "age": 30, "gender": "homme", "postal_code": "75011"}
    body.update(fields)
    async with httpx.AsyncClient(base_url=base_url, cookies=cookies) as http:
        response = await http.post("/api/v1/session", json=body)
        jar = dict(http.cookies)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    data["cookies"] = jar
    return data


class Client:
    """One WebSocket connection; keeps every frame it receives for later assertions."""

    def __init__(self, ws: Any, session: dict[str, Any]) -> None:
        self.ws = ws
        self.session = session
        self.user = session["user"]
        self.id: str = session["user"]["id"]
        self.frames: list[dict[str, Any]] = []
        self._new = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())
        self.closed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.welcome: dict[str, Any] = {}

    @classmethod
    async def connect(cls, ws_url: str, session: dict[str, Any], hello: bool = True) -> Client:
        ws = await websockets.connect(ws_url, max_size=None)
        client = cls(ws, session)
        if hello:
            await client.send({"type": "hello", "token": session["token"]})
            client.welcome = await client.wait_for(lambda f: f["type"] in ("welcome", "error"))
            assert client.welcome["type"] == "welcome", client.welcome
        return client

    @classmethod
    async def enter(cls, server: Any, **fields: Any) -> Client:
        return await cls.connect(server.ws_url, await enter(server.url, **fields))

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                async with self._new:
                    self.frames.append(frame)
                    self._new.notify_all()
        except websockets.ConnectionClosed as exc:
            if not self.closed.done():
                self.closed.set_result(exc.rcvd.code if exc.rcvd else None)
        finally:
            if not self.closed.done():
                self.closed.set_result(None)
            async with self._new:
                self._new.notify_all()

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def request(self, frame: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        ref = f"r{next(_refs)}"
        await self.send({**frame, "ref": ref})
        return await self.wait_for(
            lambda f: f.get("ref") == ref and f["type"] not in ("message",), timeout
        )

    async def wait_for(
        self, predicate: Any, timeout: float = 5.0, start: int = 0
    ) -> dict[str, Any]:
        """The first frame from position ``start`` on that satisfies ``predicate``."""
        seen = start
        async with asyncio.timeout(timeout):
            async with self._new:
                while True:
                    for frame in self.frames[seen:]:
                        if predicate(frame):
                            return frame
                    seen = len(self.frames)
                    if self.closed.done():
                        raise ConnectionError(f"closed while waiting; got {self.frames[-5:]}")
                    await self._new.wait()

    async def wait_type(self, kind: str, timeout: float = 5.0, **match: Any) -> dict[str, Any]:
        return await self.wait_for(
            lambda f: f["type"] == kind and all(f.get(k) == v for k, v in match.items()), timeout
        )

    async def message(self, text: str, timeout: float = 5.0) -> dict[str, Any]:
        frame = await self.wait_for(
            lambda f: f["type"] == "message" and f["message"]["text"] == text, timeout
        )
        return frame["message"]  # type: ignore[no-any-return]

    def received(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["type"] == kind]

    async def settle(self, seconds: float = 0.3) -> None:
        """Let in-flight frames arrive (for asserting that something did NOT arrive)."""
        await self.request({"type": "ping"})
        await asyncio.sleep(seconds)

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()
