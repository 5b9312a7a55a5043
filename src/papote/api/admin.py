"""The moderation team's API for run-time terms: a staff token (the change is attributed
to that person in the audit log), or the legacy ``PAPOTE_ADMIN_TOKEN`` (attributed to
"admin")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from papote.actions import terms
from papote.actions.errors import ActionError
from papote.actions.staff import check_staff
from papote.api.http import bearer_token, error_response, json_body, services


async def _actor(request: Request) -> str:
    svc = services(request)
    token = bearer_token(request)
    try:
        return (await check_staff(svc, token)).name
    except ActionError:
        return terms.check_admin(svc, token)


async def terms_list(request: Request) -> Response:
    try:
        await _actor(request)
        return JSONResponse({"terms": await terms.list_terms(services(request))})
    except ActionError as exc:
        return error_response(exc)


async def terms_add(request: Request) -> Response:
    try:
        actor = await _actor(request)
        term = await terms.do_add_term(services(request), actor, await json_body(request))
    except ActionError as exc:
        return error_response(exc)
    return JSONResponse({"term": term}, status_code=201)


async def terms_remove(request: Request) -> Response:
    try:
        actor = await _actor(request)
        await terms.do_remove_term(services(request), actor, request.path_params["term_id"])
    except ActionError as exc:
        return error_response(exc)
    return Response(status_code=204)
