"""Blocks and private-message preferences."""

from __future__ import annotations

from typing import Any

from papote.actions.entry import GENDERS
from papote.actions.errors import ActionError
from papote.actions.services import Services
from papote.actions.session import SessionUser, full_prefs
from papote.realtime.broker import Envelope
from papote.store import social, users


async def _publish_blocks(svc: Services, session: SessionUser) -> None:
    blocked = await social.blocked_by(svc.db, session.id)
    await svc.broker.publish(
        Envelope(
            "nodes", control={"op": "blocks", "user_id": session.id, "blocked": sorted(blocked)}
        )
    )


async def do_block(svc: Services, session: SessionUser, target: Any) -> None:
    if not isinstance(target, str) or target == session.id:
        raise ActionError("unknown_user")
    # Blocking someone who does not exist answers like any other block.
    await social.block(svc.db, session.id, target, now=svc.clock())
    await _publish_blocks(svc, session)


async def do_unblock(svc: Services, session: SessionUser, target: Any) -> None:
    if not isinstance(target, str):
        raise ActionError("unknown_user")
    await social.unblock(svc.db, session.id, target)
    await _publish_blocks(svc, session)


def _valid_pref(key: str, value: Any) -> bool:
    if key == "accept":
        return value in ("all", "none")
    if key == "genders":
        return isinstance(value, list) and set(value) <= set(GENDERS)
    if key in ("only_shared_rooms", "verified_only"):
        return isinstance(value, bool)
    if key in ("age_min", "age_max"):
        return isinstance(value, int) and not isinstance(value, bool) and 18 <= value <= 120
    return False


def check_prefs(current: dict[str, Any], changes: Any) -> dict[str, Any]:
    """Merge a partial ``dm`` preference object into the current one, validating it."""
    if not isinstance(changes, dict):
        raise ActionError("bad_frame", "« dm » doit être un objet.")
    prefs = full_prefs(current)
    for key, value in changes.items():
        if not _valid_pref(key, value):
            raise ActionError("bad_frame", f"Préférence invalide\u00a0: {key}.")
        prefs[key] = [g for g in GENDERS if g in value] if key == "genders" else value
    if prefs["age_min"] > prefs["age_max"]:
        raise ActionError("bad_frame", "L'âge minimum dépasse l'âge maximum.")
    return prefs


async def do_set_prefs(svc: Services, session: SessionUser, changes: Any) -> dict[str, Any]:
    prefs = check_prefs(session.dm_prefs, changes)
    await users.update_fields(svc.db, session.id, dm_prefs=prefs)
    session.dm_prefs = prefs
    return prefs
