"""The sticky age gate at entry (logic in safety/age_gate.py, locks in the database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from papote.actions.errors import ActionError
from papote.actions.services import Services
from papote.safety.age_gate import AgeGate, GateDecision
from papote.store.age_locks import SqlAgeGateStore


@dataclass(frozen=True, slots=True)
class Browser:
    """What the edge knows of the browser: raw values, used here and never stored."""

    ip: str
    cookie: str | None
    signals: Mapping[str, str]


def age_gate(svc: Services) -> AgeGate:
    gate: AgeGate = svc.extras["age_gate"]
    return gate


async def check_age_gate(svc: Services, age: int, browser: Browser) -> GateDecision:
    """Refuse under-18 entries and lock the browser; refuse locked browsers.

    The caller raises the refusal *after* sending the lock cookie (see api/http.py).
    """
    return await age_gate(svc).check_entry(
        age, browser.cookie, browser.ip, browser.signals, SqlAgeGateStore(svc.db), svc.clock()
    )


HELP_LINE_FR = (
    " Besoin d'en parler ? Appelle le 3018 (gratuit, anonyme et confidentiel) ou va sur 3018.fr."
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
