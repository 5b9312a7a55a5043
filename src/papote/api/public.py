"""Routes for people outside the chat: appeals against a decision, public notices."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from papote.actions import appeals, notices
from papote.actions.entry_bans import BROWSER_COOKIE
from papote.actions.errors import ActionError
from papote.api.http import bearer_token, error_response, json_body, services
from papote.api.net import client_ip_hash

NO_STORE = {"cache-control": "no-store"}
FLAGGER_HEADER = "x-trusted-flagger-key"


async def my_decision(request: Request) -> Response:
    try:
        body = await appeals.my_decision(
            services(request), bearer_token(request), request.cookies.get(BROWSER_COOKIE)
        )
    except ActionError as exc:
        return error_response(exc, headers=NO_STORE)
    return JSONResponse(body, headers=NO_STORE)


async def appeal(request: Request) -> Response:
    try:
        body = await appeals.do_appeal(
            services(request),
            bearer_token(request),
            request.cookies.get(BROWSER_COOKIE),
            await json_body(request),
        )
    except ActionError as exc:
        return error_response(exc, headers=NO_STORE)
    return JSONResponse(body, status_code=201, headers=NO_STORE)


async def notice(request: Request) -> Response:
    svc = services(request)
    try:
        body = await notices.do_notice(
            svc,
            await json_body(request),
            ip_hash=client_ip_hash(svc, request),
            flagger_key=request.headers.get(FLAGGER_HEADER),
        )
    except ActionError as exc:
        return error_response(exc, headers=NO_STORE)
    return JSONResponse(body, status_code=201, headers=NO_STORE)
