"""Moderation terms added and removed at run time by moderators and admins.

Stored in the database, audit-logged, and effective on every node without a
restart: a ``terms`` control envelope makes each node reload them into its engine
(the automaton is rebuilt off the event loop and swapped in one step).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from papote.actions.errors import ActionError
from papote.actions.services import Services
from papote.realtime.broker import Envelope
from papote.safety.text.rulepack import CustomTerm
from papote.safety.verdict import Action, Category
from papote.store import terms as term_store
from papote.store.models import AuditLog
from papote.store.models import CustomTerm as TermRow

log = logging.getLogger(__name__)
ACTIONS = {
    "warn": Action.WARN,
    "hold": Action.HOLD,
    "block": Action.BLOCK,
    "escalate": Action.ESCALATE,
}
CATEGORIES = {c.value for c in Category}


def check_admin(svc: Services, token: str | None) -> str:
    """The actor's name if the bearer token is the legacy admin token and the operator
    kept it on (``PAPOTE_LEGACY_ADMIN_TOKEN=true``); raises otherwise."""
    expected = svc.settings.admin_token if svc.settings.legacy_admin_token else None
    if not expected or not token or not hmac.compare_digest(token, expected):
        raise ActionError("forbidden", "Accès réservé à l'équipe de modération.", status=403)
    return "admin"


def _term_json(row: TermRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "term": row.term,
        "category": row.category,
        "action": row.action,
        "created_by": row.created_by,
        "created_at": row.created_at,
    }


async def list_terms(svc: Services) -> list[dict[str, Any]]:
    return [_term_json(t) for t in await term_store.all_terms(svc.db)]


async def do_add_term(svc: Services, actor: str, payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ActionError("bad_request")
    term = payload.get("term")
    category = payload.get("category")
    action = payload.get("action", "block")
    if not isinstance(term, str) or not 2 <= len(term.strip()) <= 200:
        raise ActionError("bad_request", "Le terme doit faire de 2 à 200 caractères.")
    if category not in CATEGORIES or action not in ACTIONS:
        raise ActionError("bad_request", "Catégorie ou action inconnue.")
    now = svc.clock()
    row = await term_store.add(
        svc.db,
        TermRow(
            term=term.strip(), category=category, action=action, created_by=actor, created_at=now
        ),
        AuditLog(
            actor=actor,
            action="term.add",
            detail={"term": term.strip(), "category": category, "action": action},
            ts=now,
        ),
    )
    await svc.broker.publish(Envelope("nodes", control={"op": "terms"}))
    return _term_json(row)


async def do_remove_term(svc: Services, actor: str, term_id: int) -> None:
    if not 0 < term_id < 2**31:  # past the column's integers (schemathesis found a 500)
        raise ActionError("not_found", status=404)
    audit = AuditLog(
        actor=actor, action="term.remove", target=f"term:{term_id}", detail={}, ts=svc.clock()
    )
    if not await term_store.remove(svc.db, term_id, audit):
        raise ActionError("not_found", status=404)
    await svc.broker.publish(Envelope("nodes", control={"op": "terms"}))


async def reload_terms(svc: Services) -> int:
    """Load the stored terms into this node's engine; returns how many."""
    engine = svc.extras.get("engine")
    if engine is None:
        return 0
    rows = await term_store.all_terms(svc.db)
    custom = [
        CustomTerm(
            id=str(r.id), term=r.term, category=Category(r.category), action=ACTIONS[r.action]
        )
        for r in rows
    ]
    await asyncio.to_thread(engine.set_custom_terms, custom)
    log.info("moderation terms reloaded", extra={"custom_terms": len(custom)})
    return len(custom)
