"""Staff API: the queue, a case with its evidence, claim, notes, actions, undo, rooms
(their actions and a live view), appeals to decide, evidence packages. Every route
needs a staff bearer token (``api/staff.current_staff``); a chat token gets 401. See
docs/protocol.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from papote.actions import appeals, cases, legal, room_watch, staff_actions
from papote.actions.errors import ActionError
from papote.actions.staff import StaffUser
from papote.api.http import error_response, json_body, services
from papote.api.staff import NO_STORE, current_staff

Work = Callable[[Request, StaffUser], Awaitable[dict[str, Any]]]


def _route(
    work: Work, *, admin: bool = False, status: int = 200
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            staff = await current_staff(request, admin=admin)
            body = await work(request, staff)
        except ActionError as exc:
            return error_response(exc, headers=NO_STORE)
        return JSONResponse(body, status_code=status, headers=NO_STORE)

    return endpoint


async def _list(request: Request, staff: StaffUser) -> dict[str, Any]:
    q = request.query_params
    return await cases.list_cases(
        services(request),
        staff,
        state=q.get("state"),
        pseudo=q.get("pseudo"),
        after=q.get("after"),
        limit=q.get("limit"),
    )


async def _detail(request: Request, staff: StaffUser) -> dict[str, Any]:
    return await cases.case_detail(services(request), staff, request.path_params["case_id"])


async def _claim(request: Request, staff: StaffUser) -> dict[str, Any]:
    payload = await json_body(request) if request.headers.get("content-length", "0") != "0" else {}
    return await cases.do_claim(services(request), staff, request.path_params["case_id"], payload)


async def _note(request: Request, staff: StaffUser) -> dict[str, Any]:
    return await cases.do_note(
        services(request), staff, request.path_params["case_id"], await json_body(request)
    )


async def _act(request: Request, staff: StaffUser) -> dict[str, Any]:
    return await staff_actions.do_case_action(
        services(request), staff, request.path_params["case_id"], await json_body(request)
    )


async def _undo(request: Request, staff: StaffUser) -> dict[str, Any]:
    payload = await json_body(request) if request.headers.get("content-length", "0") != "0" else {}
    return await staff_actions.do_undo_sanction(
        services(request), staff, request.path_params["sanction_id"], payload
    )


async def _room(request: Request, staff: StaffUser) -> dict[str, Any]:
    return await staff_actions.do_room_action(
        services(request), staff, request.path_params["room_id"], await json_body(request)
    )


async def _rooms(request: Request, staff: StaffUser) -> dict[str, Any]:
    return room_watch.list_rooms(services(request))


async def _watch(request: Request, staff: StaffUser) -> dict[str, Any]:
    return await room_watch.watch_room(
        services(request), staff, request.path_params["room_id"], request.query_params.get("after")
    )


async def _appeals(request: Request, staff: StaffUser) -> dict[str, Any]:
    return await appeals.list_appeals(services(request), staff)


async def _decide(request: Request, staff: StaffUser) -> dict[str, Any]:
    return await appeals.do_decide_appeal(
        services(request), staff, request.path_params["appeal_id"], await json_body(request)
    )


async def _package(request: Request, staff: StaffUser) -> dict[str, Any]:
    svc = services(request)
    case = await cases.check_case(svc, staff, request.path_params["case_id"])
    package = await legal.do_evidence_package(svc, case, None, by=staff.name)
    return {
        "package": {"id": package.id, "body": package.body, "signature": package.signature},
        "public_key": legal.public_key_pem(svc),
    }


list_cases = _route(_list)
case_detail = _route(_detail)
claim = _route(_claim)
note = _route(_note)
act = _route(_act)
undo = _route(_undo)
room_action = _route(_room)
list_rooms = _route(_rooms)
watch_room = _route(_watch)
list_appeals = _route(_appeals)
decide_appeal = _route(_decide)
evidence_package = _route(_package, status=201)
