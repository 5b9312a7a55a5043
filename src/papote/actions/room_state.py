"""Rooms closed, locked or slowed by a moderator: the state every node enforces.

The state lives in ``room_states`` (survives restarts) and in each node's memory, fed
by ``room_state`` control envelopes so that a change takes effect on every node at once.
``check_may_join`` and ``check_may_speak`` are called by actions/rooms.py and
actions/messages.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from papote.actions.errors import ActionError, Rejected
from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.realtime.broker import Envelope
from papote.store import sanctions as sanction_store

ROOM_CLOSED_FR = "Ce salon est fermé par la modération pour le moment."
ROOM_LOCKED_FR = "Ce salon est verrouillé par la modération\u00a0: personne ne peut y écrire."
SLOW_FR = "Mode lent\u00a0: un message toutes les {s} secondes dans ce salon."
KICKED_FR = (
    "Tu as été retiré·e de ce salon par la modération\u202f; tu pourras y revenir plus tard."
)


@dataclass(frozen=True, slots=True)
class RoomMode:
    mode: str  # closed | locked | slow
    slow_s: int
    until: int | None


def _states(svc: Services) -> dict[str, RoomMode]:
    states: dict[str, RoomMode] = svc.extras.setdefault("room_states", {})
    return states


def _current(svc: Services, room_id: str) -> RoomMode | None:
    state = _states(svc).get(room_id)
    if state is None or (state.until is not None and state.until <= svc.clock()):
        return None
    return state


def current(svc: Services, room_id: str) -> RoomMode | None:
    """The room's mode now (closed, locked, slow), or None when it is open as usual."""
    return _current(svc, room_id)


def install(svc: Services) -> None:
    def on_room_state(control: dict[str, Any]) -> None:
        state = control.get("state")
        if state is None:
            _states(svc).pop(control["room"], None)
        else:
            _states(svc)[control["room"]] = RoomMode(**state)

    svc.hub.control_handlers["room_state"] = on_room_state


async def load(svc: Services) -> None:
    for row in await sanction_store.room_states(svc.db):
        _states(svc)[row.room_id] = RoomMode(row.mode, row.slow_s, row.until)


async def publish_room_state(svc: Services, room_id: str, state: RoomMode | None) -> None:
    payload = (
        None
        if state is None
        else {"mode": state.mode, "slow_s": state.slow_s, "until": state.until}
    )
    await svc.broker.publish(
        Envelope("nodes", control={"op": "room_state", "room": room_id, "state": payload})
    )


async def check_may_join(svc: Services, session: SessionUser, room_id: str) -> None:
    state = _current(svc, room_id)
    if state is not None and state.mode == "closed":
        raise ActionError("room_closed", ROOM_CLOSED_FR)
    active = await sanction_store.active_of_user(svc.db, session.id, svc.clock())
    if any(s.action == "kick" and s.room_id in (None, room_id) for s in active):
        raise ActionError("kicked", KICKED_FR)


def check_may_speak(svc: Services, session: SessionUser, room_id: str) -> None:
    state = _current(svc, room_id)
    if state is None:
        return
    if state.mode in ("closed", "locked"):
        raise Rejected("room_locked", ROOM_LOCKED_FR)
    if state.mode == "slow":
        last: dict[tuple[str, str], int] = svc.extras.setdefault("slow_last", {})
        now = svc.clock()
        key = (room_id, session.id)
        if now - last.get(key, 0) < state.slow_s * 1000:
            raise Rejected("slow_mode", SLOW_FR.format(s=state.slow_s))
        last[key] = now
