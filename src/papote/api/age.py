"""Anonymous age assurance over HTTP: a nonce for the provider, then the attestation.

See docs/minors.md. A browser refused at the door (no session) gets its nonce bound to
a short-lived cookie and proves its age with the entry itself (api/http.py).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from papote.actions.age import do_issue_nonce, do_verify_age, new_presession_id
from papote.actions.errors import ActionError
from papote.api.guard import check_state_change
from papote.api.http import (
    PRESESSION_COOKIE,
    bearer_user_id,
    browser,
    error_response,
    json_body,
    services,
    set_private_cookie,
)
from papote.safety.age_gate import COOKIE_NAME

NONCE_TTL_S = 600


async def age_nonce(request: Request) -> Response:
    """A nonce for an over-18 attestation, bound to the session (or to this browser)."""
    svc = services(request)
    presession = None
    try:
        check_state_change(svc.settings, request, body=False)
        if request.headers.get("authorization"):
            session_id = await bearer_user_id(request)
        else:
            presession = request.cookies.get(PRESESSION_COOKIE) or new_presession_id()
            session_id = presession
        nonce = do_issue_nonce(svc, session_id)
    except ActionError as exc:
        return error_response(exc)
    response = JSONResponse({"nonce": nonce, "expires_in": NONCE_TTL_S})
    if presession is not None:
        set_private_cookie(
            response,
            request,
            PRESESSION_COOKIE,
            presession,
            max_age=NONCE_TTL_S,
            samesite="strict",
        )
    return response


async def age_verify(request: Request) -> Response:
    """Submit an attestation for the current session: the verified-adult badge."""
    svc = services(request)
    try:
        check_state_change(svc.settings, request)
        user_id = await bearer_user_id(request)
        payload = await json_body(request)
        if not isinstance(payload, dict):
            raise ActionError("bad_request")
        result = await do_verify_age(
            svc,
            user_id,
            payload.get("attestation"),
            payload.get("nonce"),
            browser(request, payload),
        )
    except ActionError as exc:
        return error_response(exc)
    response = JSONResponse(result)
    response.delete_cookie(COOKIE_NAME)
    return response
