"""Staff API (moderators and admins): login, logout, who am I.

Staff tokens are checked by ``actions.staff.check_staff``; a chat token never opens
these routes. Cases, actions and appeals live in their own route modules.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from papote.actions import staff
from papote.actions.errors import ActionError
from papote.api.http import bearer_token, error_response, json_body, services
from papote.api.net import client_ip_hash

NO_STORE = {"cache-control": "no-store"}


async def current_staff(request: Request, *, admin: bool = False) -> staff.StaffUser:
    return await staff.check_staff(services(request), bearer_token(request), admin=admin)


async def login(request: Request) -> Response:
    svc = services(request)
    try:
        token, user = await staff.do_login(
            svc, await json_body(request), ip_hash=client_ip_hash(svc, request)
        )
    except ActionError as exc:
        return error_response(exc, headers=NO_STORE)
    return JSONResponse({"token": token, "staff": user.to_json()}, headers=NO_STORE)


async def logout(request: Request) -> Response:
    await staff.do_logout(services(request), bearer_token(request))
    return Response(status_code=204)


async def me(request: Request) -> Response:
    try:
        user = await current_staff(request)
    except ActionError as exc:
        return error_response(exc)
    return JSONResponse({"staff": user.to_json()}, headers=NO_STORE)
