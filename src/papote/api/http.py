"""HTTP routes: entry, exit, postal look-up, health and metrics.

Every error answers ``{"error": {"code", "message"}}`` (PROTOCOL.md, Errors).
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from papote.actions import challenge, entry
from papote.actions.admission import check_admission, is_trusted
from papote.actions.age import Browser, age_gate, check_age_gate, check_attestation, refusal
from papote.actions.entry_bans import (
    BROWSER_COOKIE,
    BROWSER_COOKIE_TTL_S,
    browser_key,
    do_remember_browser,
    new_browser_cookie,
    recent_ban_signal,
)
from papote.actions.errors import MESSAGES_FR, ActionError, unavailable
from papote.actions.sanction_ends import carry_to_new_session
from papote.actions.services import Services
from papote.actions.views import own_user, room_json
from papote.api.guard import check_state_change
from papote.api.net import client_ip, client_ip_hash
from papote.safety.age_gate import COOKIE_NAME, SIGNAL_SCREEN

log = logging.getLogger(__name__)
MAX_BODY = 16 * 1024
PRESESSION_COOKIE = "papote_pre"  # binds an age nonce to a browser with no session
SIGNAL_HEADERS = ("user-agent", "accept-language", "sec-ch-ua-platform", "sec-ch-ua-mobile")


def error_response(exc: ActionError, headers: dict[str, str] | None = None) -> JSONResponse:
    error: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if exc.help:
        error["help"] = exc.help
    if exc.extra:
        error.update(exc.extra)
    return JSONResponse({"error": error}, status_code=exc.status, headers=headers)


def services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


async def json_body(request: Request) -> Any:
    too_large = ActionError("bad_request", "Requête trop volumineuse.", status=413)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise too_large  # refused before reading it
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise too_large
    try:
        return orjson.loads(bytes(body))
    except orjson.JSONDecodeError:
        raise ActionError("bad_request", "Le corps de la requête doit être du JSON.") from None


def browser(request: Request, payload: dict[str, Any]) -> Browser:
    signals = {h: request.headers.get(h, "") for h in SIGNAL_HEADERS}
    screen = payload.get("screen")
    if isinstance(screen, str):
        signals[SIGNAL_SCREEN] = screen[:32]
    return Browser(client_ip(request), request.cookies.get(COOKIE_NAME), signals)


async def _age_gate(
    svc: Services, request: Request, payload: dict[str, Any], verified: bool
) -> tuple[Response | None, bool]:
    """The sticky age gate: (the refusal to answer with its lock cookie, or None; challenge)."""
    age = entry.parse_age(payload.get("age"))
    if age is None or not 1 <= age <= entry.MAX_AGE:
        return None, False  # check_entry answers invalid_age
    decision = await check_age_gate(svc, age, browser(request, payload), verified_adult=verified)
    refused = refusal(decision)
    if refused is None:
        return None, decision.challenge
    response = error_response(refused)
    if decision.set_cookie:
        set_private_cookie(
            response,
            request,
            COOKIE_NAME,
            decision.set_cookie,
            max_age=age_gate(svc).cookie_ttl_s,
            samesite="lax",
        )
    return response, False


async def create_session(request: Request) -> Response:
    """Entry: pseudo, age, gender, postal code; optionally an over-18 attestation.

    Only Papote's page may post it (JSON, same origin: api/guard.py); a solved
    challenge is asked for under pressure (actions/admission.py).
    """
    svc = services(request)
    verified = False
    try:
        check_state_change(svc.settings, request)
        payload = await json_body(request)
        if not isinstance(payload, dict):
            raise ActionError("bad_request")
        ip_hash = client_ip_hash(svc, request)
        signals = browser(request, payload).signals
        admission = await check_admission(svc, client_ip(request), ip_hash, signals)
        if "attestation" in payload:  # a locked browser proving it is an adult's
            entry.check_entry(svc, payload)  # a typo must not use the attestation up
            presession = request.cookies.get(PRESESSION_COOKIE, "")
            await check_attestation(svc, payload["attestation"], payload.get("nonce"), presession)
            verified = True
        refused, age_signal = await _age_gate(svc, request, payload, verified)
        if refused is not None:
            return refused
        req = entry.check_entry(svc, payload)
        cookie = request.cookies.get(BROWSER_COOKIE) or new_browser_cookie()
        key = browser_key(svc, cookie)
        # a ban behind this address prefix or on this device asks for a challenge (never
        # a refusal of the neighbours: the ban itself falls on the browser)
        banned_nearby = await recent_ban_signal(svc, client_ip(request), signals)
        solution = None
        if admission.needs_challenge(age_signal or banned_nearby) and not verified:
            solution = challenge.check_solution(svc, payload.get("altcha"))
        await entry.check_pseudo_acceptable(svc, req)
        await entry.check_not_banned(svc, key)
        if solution is not None:
            await challenge.do_use_solution(svc, solution)
        token, user = await entry.do_enter(
            svc, req, ip_hash=ip_hash, verified_adult=verified, browser_hash=key or ""
        )
        if key is not None:
            signals = {h: request.headers.get(h, "") for h in SIGNAL_HEADERS}
            await do_remember_browser(svc, user.id, key, client_ip(request), signals)
            await carry_to_new_session(svc, user.id, key)  # told while the old one was away
    except ActionError as exc:
        response = error_response(exc)
    else:
        body = {"token": token, "user": own_user(user), "prefs": {"dm": user.dm_prefs}}
        response = JSONResponse(body, status_code=201)
        # the browser's own key: what a ban falls on (never the address others share)
        set_private_cookie(
            response, request, BROWSER_COOKIE, cookie, max_age=BROWSER_COOKIE_TTL_S, samesite="lax"
        )
    if verified:  # a valid proof lifted the locks, whatever happened after it
        response.delete_cookie(COOKIE_NAME)
    return response


async def entry_challenge(request: Request) -> Response:
    """A proof-of-work challenge for the entry (the ALTCHA widget fetches it).

    Issuing one costs a key derivation: an address gets no more challenges than
    entries (``PAPOTE_RATE_ENTRY_IP``), so they cannot be used to load the server.
    """
    svc = services(request)
    if not is_trusted(svc, client_ip(request)) and not await svc.limits.hit(
        "entry_ip", "challenge:" + client_ip_hash(svc, request)
    ):
        return error_response(ActionError("rate_limited", status=429))
    return JSONResponse(challenge.new_challenge(svc))


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, if there is one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def bearer_user_id(request: Request) -> str:
    token = bearer_token(request)
    if token is None:
        raise ActionError("unauthorized", status=401)
    return await entry.user_id_for_token(services(request), token)


def set_private_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    max_age: int,
    samesite: Literal["lax", "strict"],
) -> None:
    """An HttpOnly cookie; Secure over HTTPS and always in production (PAPOTE_SECURE_COOKIES)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite=samesite,
        secure=services(request).settings.cookies_secure or request.url.scheme == "https",
    )


async def delete_session(request: Request) -> Response:
    svc = services(request)
    try:
        check_state_change(svc.settings, request, body=False)
        user_id = await bearer_user_id(request)
        await entry.do_leave(svc, user_id)
    except ActionError as exc:
        return error_response(exc)
    return Response(status_code=204)


async def postal(request: Request) -> Response:
    svc = services(request)
    place = svc.places.lookup(request.path_params["code"])
    if place is None:
        return error_response(ActionError("invalid_postal_code", status=404))
    return JSONResponse(
        {
            "postal_code": place.postal_code,
            "city": place.city,
            "department": place.department,
            "region": place.region,
            "communes": list(place.communes),
        },
        headers={"cache-control": "public, max-age=86400"},
    )


async def list_rooms(request: Request) -> Response:
    svc = services(request)
    return JSONResponse({"rooms": [room_json(svc, r) for r in svc.rooms.values()]})


async def healthz(request: Request) -> Response:
    svc = services(request)
    if not svc.extras.get("ready"):
        body = {"error": {"code": "starting", "message": "Démarrage en cours."}}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok"})


async def not_found(request: Request, exc: Exception) -> Response:
    return error_response(ActionError("not_found", status=404))


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    return error_response(ActionError("method_not_allowed", status=405))


async def server_error(request: Request, exc: Exception) -> Response:
    outage = unavailable(exc)
    if outage is not None:  # the database is down: 503, retry later
        log.warning("storage unavailable", extra={"path": request.url.path})
        return error_response(outage, headers={"retry-after": "5"})
    log.exception("unhandled error", exc_info=exc)
    return error_response(ActionError("internal", MESSAGES_FR["internal"], status=500))
