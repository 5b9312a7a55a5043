"""The WebSocket gateway: frame -> size and flood control -> command table -> action.

No business rule here: the gateway parses, authenticates, looks the frame up in
the command table and shapes the reply. See docs/protocol.md.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from prometheus_client import Counter, Histogram
from starlette.websockets import WebSocket, WebSocketDisconnect

from papote.actions.connect import do_goodbye, do_hello
from papote.actions.errors import MESSAGES_FR, ActionError, Rejected
from papote.actions.services import Services
from papote.api.commands import COMMANDS, Caller, check_fields
from papote.api.net import client_ip_hash
from papote.api.transport import AsgiTransport
from papote.realtime.connection import Connection
from papote.realtime.events import encode

log = logging.getLogger(__name__)

FRAMES_IN = Counter("papote_frames_in_total", "Frames received", ["type"])
HANDLER_SECONDS = Histogram(
    "papote_handler_seconds",
    "Time to handle one client frame",
    ["type"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.0),
)
Aftermath = Callable[[], Awaitable[None]]
HELLO_TIMEOUT_S = 15.0
ABUSE_LIMIT = 30  # protocol errors tolerated in a row before the client is closed
FAKELAG_S = 0.25  # over the frame budget: slow down before rejecting


def error_frame(code: str, ref: Any = None, message: str | None = None) -> str:
    text = message or MESSAGES_FR.get(code, MESSAGES_FR["bad_frame"])
    return encode({"type": "error", "ref": ref, "code": code, "message": text})


def _rejected_frame(exc: Rejected, ref: Any) -> str:
    frame: dict[str, Any] = {
        "type": "rejected",
        "ref": ref,
        "code": exc.code,
        "category": exc.category,
        "message": exc.message,
    }
    if exc.confirm is not None:
        frame["confirm"] = exc.confirm
    if exc.message_id is not None:
        frame["message_id"] = exc.message_id
    return encode(frame)


def _parse(svc: Services, raw: str) -> tuple[dict[str, Any] | None, str | None, Any]:
    """Return (frame, error code, ref)."""
    if len(raw.encode()) > svc.settings.max_frame_bytes:
        return None, "frame_too_large", None
    try:
        frame = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None, "bad_json", None
    if not isinstance(frame, dict):
        return None, "bad_frame", None
    ref = frame.get("ref")
    if ref is not None and not isinstance(ref, str | int):
        return None, "bad_frame", None
    if not isinstance(frame.get("type"), str):
        return None, "bad_frame", ref
    return frame, None, ref


async def _receive_text(websocket: WebSocket) -> str | None:
    """The next text frame; None for a binary frame; raises on disconnect."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    if message.get("text") is not None:
        return str(message["text"])
    return None


async def _await_hello(svc: Services, websocket: WebSocket, transport: AsgiTransport) -> Any:
    """Wait for a valid hello; answers errors to anything else. Returns do_hello's result."""
    async with asyncio.timeout(HELLO_TIMEOUT_S):
        while True:
            raw = await _receive_text(websocket)
            if raw is None:
                await websocket.send_text(error_frame("bad_frame"))
                continue
            frame, code, ref = _parse(svc, raw)
            if frame is None:
                await websocket.send_text(error_frame(code or "bad_frame", ref))
                continue
            if frame["type"] != "hello":
                await websocket.send_text(error_frame("not_authenticated", ref))
                continue
            try:
                return await do_hello(svc, frame.get("token"), transport, ref)
            except ActionError as exc:
                await websocket.send_text(error_frame(exc.code, ref, exc.message))
                await websocket.close(4001, exc.code)
                return None


async def gateway(websocket: WebSocket) -> None:
    svc: Services = websocket.app.state.services
    transport = AsgiTransport(websocket)
    await transport.accept()
    try:
        result = await _await_hello(svc, websocket, transport)
    except (TimeoutError, WebSocketDisconnect):
        await transport.close(4000, "hello expected")
        return
    if result is None:
        return
    session, conn = result
    caller = Caller(session, client_ip_hash(svc, websocket), conn)
    try:
        await _serve(svc, websocket, conn, caller)
    except WebSocketDisconnect:
        pass
    finally:
        await do_goodbye(svc, conn)


async def _serve(svc: Services, websocket: WebSocket, conn: Connection, caller: Caller) -> None:
    strikes = 0
    while not conn.closed:
        raw = await _receive_text(websocket)
        frame, code, ref = (None, "bad_frame", None) if raw is None else _parse(svc, raw)
        if frame is None:
            strikes += 1
            conn.push(error_frame(code or "bad_frame", ref))
            if strikes >= ABUSE_LIMIT:
                conn.close_soon(1008, "too many bad frames")
            continue
        kind = frame["type"]
        command = COMMANDS.get(kind)
        if command is None:
            strikes += 1
            conn.push(error_frame("unknown_type", ref))
            continue
        if command.cost and not await svc.limits.hit("frames", caller.session.id, command.cost):
            await asyncio.sleep(FAKELAG_S)  # slow the flood down first
            if not await svc.limits.hit("frames", caller.session.id, command.cost):
                strikes += 1
                conn.push(error_frame("rate_limited", ref))
                if strikes >= ABUSE_LIMIT:
                    conn.close_soon(1008, "flood")
                continue
        FRAMES_IN.labels(kind).inc()
        start = time.perf_counter()
        reply, aftermath = await _dispatch(svc, caller, command, kind, frame, ref)
        HANDLER_SECONDS.labels(kind).observe(time.perf_counter() - start)
        if reply is not None:
            conn.push(reply)
            strikes = 0
        if aftermath is not None:
            await aftermath()


async def _dispatch(
    svc: Services, caller: Caller, command: Any, kind: str, frame: dict[str, Any], ref: Any
) -> tuple[str | None, Aftermath | None]:
    """The reply frame, and what must run once it is queued."""
    caller.ref = ref
    try:
        check_fields(command, frame)
        reply = await command.handler(svc, caller, frame)
    except Rejected as exc:
        return _rejected_frame(exc, ref), exc.aftermath
    except ActionError as exc:
        return error_frame(exc.code, ref, exc.message), None
    except Exception:
        log.exception("frame handler failed", extra={"frame_type": kind})
        return error_frame("internal", ref, MESSAGES_FR["internal"]), None
    if reply is None:
        return None, None
    reply["ref"] = ref
    return encode(reply), None
