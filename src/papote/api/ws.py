"""The WebSocket gateway: frame -> size and flood control -> command table -> action.

No business rule here: the gateway parses, authenticates, looks the frame up in
the command table and shapes the reply. It works on any ``Socket`` and applies the
transport-level protections of api/transport.py. See docs/protocol.md.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from prometheus_client import Counter, Histogram
from starlette.websockets import WebSocket

from papote.actions.connect import Opening, do_goodbye, do_hello
from papote.actions.entry_bans import prefix_key
from papote.actions.errors import MESSAGES_FR, ActionError, Rejected, unavailable
from papote.actions.legal import do_log_connection
from papote.actions.services import Services
from papote.api.commands import COMMANDS, Caller, check_fields
from papote.api.flood import Admission
from papote.api.transport import AsgiTransport, Disconnected, Protections, Socket
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


def _parse(guard: Protections, raw: str) -> tuple[dict[str, Any] | None, str | None, Any]:
    """Return (frame, error code, ref)."""
    if guard.too_large(raw):
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


def protections(svc: Services) -> Protections:
    guard = svc.extras.get("protections")
    if not isinstance(guard, Protections):
        guard = svc.extras["protections"] = Protections(svc)
    return guard


async def _await_hello(svc: Services, transport: Socket, guard: Protections) -> Any:
    """Wait for a valid hello; answers errors to anything else. Returns do_hello's result.

    Only the wait for the hello frame is timed: once it came, the hello is answered
    however long the store takes (timing the answer too closed connections that had just
    been welcomed when a reconnect storm slowed the store)."""
    prefix = guard.prefix_hash(transport.handshake)
    async with asyncio.timeout(HELLO_TIMEOUT_S):
        frame, ref = await _hello_frame(transport, guard)
    try:
        opening = Opening(prefix, guard.queue_bounds, ref)
        return await do_hello(svc, frame.get("token"), transport, opening)
    except Exception as exc:
        error = exc if isinstance(exc, ActionError) else unavailable(exc)
        if error is None:
            raise
        await transport.send_text(error_frame(error.code, ref, error.message))
        # 1013 "try again later" when the store is down: the client reconnects
        await transport.close(1013 if error.code == "unavailable" else 4001, error.code)
        return None


async def _hello_frame(transport: Socket, guard: Protections) -> tuple[dict[str, Any], Any]:
    """The first valid hello frame and its ref; anything else before it is answered."""
    while True:
        raw = await transport.receive_text()
        if raw is None:
            await transport.send_text(error_frame("bad_frame"))
            continue
        frame, code, ref = _parse(guard, raw)
        if frame is None:
            await transport.send_text(error_frame(code or "bad_frame", ref))
            continue
        if frame["type"] != "hello":
            await transport.send_text(error_frame("not_authenticated", ref))
            continue
        return frame, ref


async def gateway(websocket: WebSocket) -> None:
    """The ASGI entry point: today's stack."""
    await serve_socket(websocket.app.state.services, AsgiTransport(websocket))


async def serve_socket(svc: Services, transport: Socket) -> None:
    """One WebSocket's life, whatever stack carries it."""
    guard = protections(svc)
    if not guard.origin_allowed(transport.handshake):  # a page of another site
        await transport.refuse()
        return
    await transport.accept()
    try:
        result = await _await_hello(svc, transport, guard)
    except (TimeoutError, Disconnected):
        await transport.close(4000, "hello expected")
        return
    if result is None:
        return
    session, conn = result
    caller = Caller(session, guard.address_hash(transport.handshake), conn)
    await do_log_connection(svc, session.id, prefix_key(svc, transport.handshake.client_ip))
    try:
        await _serve(transport, conn, caller, svc, guard)
    except Disconnected:
        pass
    finally:
        await do_goodbye(svc, conn)


async def _serve(
    transport: Socket, conn: Connection, caller: Caller, svc: Services, guard: Protections
) -> None:
    strikes = 0
    budget = guard.frame_guard(caller.session.id)
    while not conn.closed:
        raw = await transport.receive_text()
        frame, code, ref = (None, "bad_frame", None) if raw is None else _parse(guard, raw)
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
        admission = await budget.admit(command.cost)
        if admission is not Admission.OK:
            conn.push(
                error_frame("rate_limited" if admission is Admission.REFUSED else "flood", ref)
            )
            if admission is Admission.CLOSE:
                conn.close_soon(1008, "flood", abort=True)
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
        # not kept while the socket idles: a join's reply lists the room (~8 KiB each)
        reply = aftermath = frame = raw = None


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
    except Exception as exc:
        outage = unavailable(exc)
        if outage is not None:  # the store is down: refused, never acknowledged
            log.warning("storage unavailable", extra={"frame_type": kind})
            if kind in ("say", "dm"):
                return _rejected_frame(Rejected(outage.code), ref), None
            return error_frame(outage.code, ref), None
        log.exception("frame handler failed", extra={"frame_type": kind})
        return error_frame("internal", ref, MESSAGES_FR["internal"]), None
    if reply is None:
        return None, None
    reply["ref"] = ref
    return encode(reply), None
