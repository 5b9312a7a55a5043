"""The WebSocket's protections and close codes are the same on both stacks (asgi, picows).

Each test runs against a real server per stack (``PAPOTE_WS_STACK``); a stack that
answers differently from the other fails here. The rest of tests/api and tests/realtime
run on picows with ``PAPOTE_WS_STACK=picows scripts/test.sh ...`` (server processes
inherit the environment).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator

import httpx
import pytest
import websockets

from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client, enter

ALLOWED = "https://m.papote.example"


@pytest.fixture(scope="module", params=["asgi", "picows"])
def stack_server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    env = {**RELAXED, "PAPOTE_WS_STACK": request.param, "PAPOTE_ALLOWED_ORIGINS": ALLOWED}
    server = ServerProcess(env).start()
    yield server
    server.stop()


async def _hello(server: ServerProcess, **connect: object) -> dict:
    session = await enter(server.url)
    async with websockets.connect(server.ws_url, **connect) as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "hello", "token": session["token"]}))
        return json.loads(await ws.recv())


async def test_a_page_of_another_site_is_refused_with_403(stack_server):
    for refused in (
        {"origin": "https://evil.example"},
        {"origin": "http://127.0.0.1:1"},  # the same host on another port is another origin
        {"additional_headers": {"Sec-Fetch-Site": "cross-site"}},
    ):
        with pytest.raises(websockets.InvalidStatus) as answer:
            await _hello(stack_server, **refused)
        assert answer.value.response.status_code == 403, refused
    for origin in (None, stack_server.url, ALLOWED):
        assert (await _hello(stack_server, origin=origin))["type"] == "welcome", origin


async def test_http_beside_the_websocket_is_served_as_before(stack_server):
    async with httpx.AsyncClient(base_url=stack_server.url) as http:  # one kept-alive socket
        for _ in range(3):
            assert (await http.get("/healthz")).status_code == 200
        # a plain GET of the WebSocket's path is not an upgrade: the HTTP app answers it
        assert (await http.get("/api/v1/ws")).status_code == 404


async def test_frame_size_limits(stack_server):
    c = await Client.enter(stack_server)
    await c.send("x" * 20_000)  # over PAPOTE_MAX_FRAME_BYTES: refused, still connected
    assert (await c.wait_type("error"))["code"] == "frame_too_large"
    assert (await c.request({"type": "ping"}))["type"] == "pong"
    # over the stack's message limit: closed. The server may close while the client is
    # still writing the frame; the client's send then fails, its reader got the 1009.
    with contextlib.suppress(websockets.ConnectionClosed, ConnectionResetError):
        await c.send("x" * (2 << 20))
    assert await asyncio.wait_for(c.closed, 10) == 1009


async def test_fragments_binary_and_bad_utf8(stack_server):
    c = await Client.enter(stack_server)
    await c.ws.send(iter(['{"type": "ping", ', '"ref": "frag"}']))  # one message, two frames
    assert (await c.wait_for(lambda f: f.get("ref") == "frag"))["type"] == "pong"
    await c.ws.send(b"\x00\x01")
    assert (await c.wait_type("error"))["code"] == "bad_frame"
    await c.ws.send(b'{"type": "ping", "x": "\xff"}', text=True)  # a text frame, not UTF-8
    assert await asyncio.wait_for(c.closed, 10) == 1007


async def test_close_codes(stack_server):
    session = await enter(stack_server.url)
    async with websockets.connect(stack_server.ws_url) as ws:
        await ws.send(json.dumps({"type": "hello", "token": "not-a-token", "ref": 1}))
        error = json.loads(await ws.recv())
        assert error["type"] == "error" and error["code"] == "invalid_token", error
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4001, "invalid_token")

    ws = await websockets.connect(stack_server.ws_url)
    await ws.send(json.dumps({"type": "hello", "token": session["token"]}))
    assert json.loads(await ws.recv())["type"] == "welcome"
    await ws.close(4321, "au revoir")  # the server answers the client's close
    assert ws.close_code == 4321 and ws.close_reason == "au revoir"


async def test_a_flooder_is_slowed_then_closed(stack_server):
    """The frame budget (PAPOTE_RATE_FRAMES) is the gateway's on either stack."""
    server = ServerProcess(
        {**stack_server.env, "PAPOTE_RATE_FRAMES": "20/second", "PAPOTE_FLOOD_CLOSE_AFTER": "5"}
    ).start()
    try:
        c = await Client.enter(server)
        for _ in range(300):
            if c.closed.done():
                break
            await c.send({"type": "ping"})
        assert await asyncio.wait_for(c.closed, 20) == 1008
        assert any(f.get("code") in ("flood", "rate_limited") for f in c.frames)
    finally:
        server.stop()
