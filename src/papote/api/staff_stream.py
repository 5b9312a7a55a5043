"""Staff API, pushed: a room's live view as server-sent events
(``GET /api/v1/staff/rooms/{room}/stream``, docs/protocol.md).

Staff-authenticated like every staff route (a bearer token in the ``Authorization``
header: the console reads the stream with ``fetch``, so the token never sits in a URL
or a log); the stream ends when the staff session does. Events: ``room`` (the view, then
the new messages and the members each time the room changes), ``removed`` (a message
taken down); a comment line every 15 s when nothing happens.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from papote.actions import room_watch, staff
from papote.actions.errors import ActionError
from papote.api.http import bearer_token, error_response, services
from papote.api.staff import NO_STORE, current_staff

HEADERS = {**NO_STORE, "x-accel-buffering": "no"}  # no proxy buffering of the stream


def _event(item: tuple[str, dict[str, Any]] | None) -> bytes:
    if item is None:
        return b": keep-alive\n\n"
    name, data = item
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def watch_room_stream(request: Request) -> Response:
    svc = services(request)
    token = bearer_token(request)

    async def still_allowed() -> bool:
        try:
            await staff.check_staff(svc, token)
        except ActionError:
            return False
        return True

    try:
        user = await current_staff(request)
        events = room_watch.room_stream(
            svc, user, request.path_params["room_id"], still_allowed=still_allowed
        )
        first = await anext(events)  # a room that does not exist: 404 before streaming
    except ActionError as exc:
        return error_response(exc, headers=NO_STORE)

    async def body() -> AsyncIterator[bytes]:
        try:
            yield _event(first)
            async for item in events:
                yield _event(item)
        finally:
            await events.aclose()

    return StreamingResponse(body(), media_type="text/event-stream", headers=HEADERS)
