"""The moderation team's API for run-time terms: a staff token (moderators read them,
admins change them; a change is attributed to that person in the audit log). The
operator's legacy ``PAPOTE_ADMIN_TOKEN`` is only accepted behind
``PAPOTE_LEGACY_ADMIN_TOKEN=true`` (attributed to "admin").

A wrong token is answered after a pause (``FAIL_DELAY_S``) and logged with the
hashed address; past ``PAPOTE_RATE_ADMIN_FAIL`` failures, that address is refused
(``rate_limited``) before its token is even looked at.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from papote.actions import terms
from papote.actions.errors import ActionError
from papote.actions.staff import check_staff
from papote.api.guard import check_state_change
from papote.api.http import bearer_token, error_response, json_body, services
from papote.api.net import client_ip_hash

log = logging.getLogger(__name__)
FAIL_DELAY_S = 1.0


async def _actor(request: Request, *, changes: bool = False) -> str:
    svc = services(request)
    if changes:
        check_state_change(svc.settings, request, body=request.method != "DELETE")
    token = bearer_token(request)
    ip_hash = client_ip_hash(svc, request)
    if not await svc.limits.allows("admin_fail", ip_hash):
        raise ActionError("rate_limited", status=429)
    try:
        # Reading the terms is for every moderator; changing them is an admin's act.
        return (await check_staff(svc, token, admin=changes)).name
    except ActionError as exc:
        if exc.status == 403:  # a staff person without the right: no guessing involved
            raise
    try:
        return terms.check_admin(svc, token)
    except ActionError:
        limited = not await svc.limits.hit("admin_fail", ip_hash)
        log.warning(
            "admin API: wrong token",
            extra={"ip_hash": ip_hash, "path": request.url.path, "limited": limited},
        )
        await asyncio.sleep(FAIL_DELAY_S)
        raise


async def terms_list(request: Request) -> Response:
    try:
        await _actor(request)
        return JSONResponse({"terms": await terms.list_terms(services(request))})
    except ActionError as exc:
        return error_response(exc)


async def terms_add(request: Request) -> Response:
    try:
        actor = await _actor(request, changes=True)
        term = await terms.do_add_term(services(request), actor, await json_body(request))
    except ActionError as exc:
        return error_response(exc)
    return JSONResponse({"term": term}, status_code=201)


async def terms_remove(request: Request) -> Response:
    try:
        actor = await _actor(request, changes=True)
        await terms.do_remove_term(services(request), actor, request.path_params["term_id"])
    except ActionError as exc:
        return error_response(exc)
    return Response(status_code=204)
