"""Age at the door and after: the sticky age gate, and anonymous age assurance.

Logic lives in safety/age_gate.py and safety/age_assurance.py; this module gives
them storage (locks and single-use keys in the database, shared by every node) and
applies the outcome to the session: the ``verified_adult`` badge, locks lifted.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from papote.actions.errors import ActionError
from papote.actions.services import Services
from papote.actions.views import public_user
from papote.realtime.broker import Envelope
from papote.safety.age_assurance import AgeAssurance, AgeAssuranceError
from papote.safety.age_gate import AgeGate, GateDecision
from papote.store import users
from papote.store.age_locks import SqlAgeGateStore

HELP_LINE_FR = (
    " Besoin d'en parler\u202f? Appelle le 3018 (gratuit, anonyme et confidentiel) "
    "ou va sur 3018.fr."
)
NOT_CONFIGURED_FR = "La vérification d'âge n'est pas disponible sur ce serveur."


@dataclass(frozen=True, slots=True)
class Browser:
    """What the edge knows of the browser: raw values, used here and never stored."""

    ip: str
    cookie: str | None
    signals: Mapping[str, str]


def age_gate(svc: Services) -> AgeGate:
    gate: AgeGate = svc.extras["age_gate"]
    return gate


def _assurance(svc: Services) -> AgeAssurance:
    assurance: AgeAssurance | None = svc.extras.get("age_assurance")
    if assurance is None:
        raise ActionError("age_assurance_unavailable", NOT_CONFIGURED_FR, status=503)
    return assurance


async def check_age_gate(
    svc: Services, age: int, browser: Browser, *, verified_adult: bool = False
) -> GateDecision:
    """Refuse under-18 entries and lock the browser; refuse locked browsers.

    The caller raises the refusal *after* sending the lock cookie (see api/http.py).
    A verified attestation on the same request lifts the locks.
    """
    return await age_gate(svc).check_entry(
        age,
        browser.cookie,
        browser.ip,
        browser.signals,
        SqlAgeGateStore(svc.db),
        svc.clock(),
        verified_adult=verified_adult,
    )


def refusal(decision: GateDecision) -> ActionError | None:
    """The entry error for a refused decision, with where to find help."""
    if decision.allowed:
        return None
    error = ActionError(decision.code, (decision.message or "") + HELP_LINE_FR, status=403)
    error.help = [
        {"name": h.name, "text": h.text, "phone": h.phone, "url": h.url} for h in decision.help
    ]
    return error


def new_presession_id() -> str:
    """Binds an age nonce to a browser that has no session yet (it was refused entry)."""
    return "pre-" + secrets.token_urlsafe(12)


def do_issue_nonce(svc: Services, session_id: str) -> str:
    return _assurance(svc).new_nonce(session_id, svc.clock())


async def check_attestation(svc: Services, attestation: Any, nonce: Any, session_id: str) -> None:
    """Raise an ActionError (stable code, French message) unless the proof is valid."""
    if not isinstance(attestation, str) or not isinstance(nonce, str):
        raise ActionError("bad_request", "Indique « attestation » et « nonce ».")
    try:
        await _assurance(svc).check(
            attestation, nonce=nonce, session_id=session_id, now=svc.clock()
        )
    except AgeAssuranceError as exc:
        raise ActionError(exc.code.value, exc.message, status=403) from None


async def do_verify_age(
    svc: Services, user_id: str, attestation: Any, nonce: Any, browser: Browser
) -> dict[str, Any]:
    """A session proves it is over 18: badge, locks lifted, everyone's view updated."""
    await check_attestation(svc, attestation, nonce, user_id)
    await age_gate(svc).lift(
        browser.cookie, browser.ip, browser.signals, SqlAgeGateStore(svc.db), svc.clock()
    )
    await users.update_fields(svc.db, user_id, verified_adult=True, possibly_minor=False)
    user = await users.by_id(svc.db, user_id)
    if user is None:
        raise ActionError("unauthorized", status=401)
    public = public_user(user)
    # every node (this one included) updates its directory and the live session
    await svc.broker.publish(
        Envelope("nodes", control={"op": "update_user", "user": public.to_json()})
    )
    fields = {"verified_adult": True, "possibly_minor": False}
    await svc.broker.publish(
        Envelope("nodes", control={"op": "session", "user_id": user_id, "fields": fields})
    )
    # everyone's lists show the badge now (a presence frame carries the updated user)
    await svc.broker.publish(Envelope("presence", sender=public.id))
    return {"verified_adult": True, "user": public.to_json()}
