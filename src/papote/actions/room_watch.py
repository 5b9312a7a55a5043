"""A room seen live by a moderator (the console's "Salons" view): who is in it, what is
said (held and removed messages too, marked), and its mode, refreshed by polling with
the last message id seen (``after``, empty when nothing was seen yet). Opening a room's
view is audited (reading is an act too); the refreshes that follow are not, or the log
would fill with them.
"""

from __future__ import annotations

from typing import Any

from papote.actions.cases import message_json
from papote.actions.errors import ActionError
from papote.actions.room_state import current
from papote.actions.services import Services
from papote.actions.staff import StaffUser
from papote.store import audit, messages
from papote.store import sanctions as sanction_store
from papote.store.models import AuditLog

MAX_MEMBERS = 500


def list_rooms(svc: Services) -> dict[str, Any]:
    """Every room with its member count and mode, the busiest first."""
    rooms = sorted(svc.rooms.values(), key=lambda r: (-svc.hub.member_count(r.id), r.name))
    out = []
    for room in rooms:
        mode = current(svc, room.id)
        out.append(
            {
                "id": room.id,
                "name": room.name,
                "kind": room.kind,
                "member_count": svc.hub.member_count(room.id),
                "mode": mode.mode if mode else "open",
            }
        )
    return {"rooms": out}


async def watch_room(
    svc: Services, staff: StaffUser, room_id: Any, after: str | None
) -> dict[str, Any]:
    room = svc.rooms.get(room_id) if isinstance(room_id, str) else None
    if room is None:
        raise ActionError("not_found", "Ce salon n'existe pas.", status=404)
    if after is not None and (len(after) > 40 or not (after.isalnum() or after == "")):
        raise ActionError("bad_request", "« after » : l'id du dernier message vu.")
    if after is None:  # opening the view (a refresh sends after, empty if nothing seen)
        await audit.append(
            svc.db,
            AuditLog(
                actor=staff.name,
                action="room.watch",
                target=f"room:{room.id}",
                detail={},
                ts=svc.clock(),
            ),
        )
    feed = await messages.room_feed(svc.db, room.id, after=after or None)
    member_ids = sorted(svc.hub.members.get(room.id, set()))[:MAX_MEMBERS]
    members = [svc.hub.directory[m].to_json() for m in member_ids if m in svc.hub.directory]
    members.sort(key=lambda u: str(u["pseudo"]).lower())
    mode = current(svc, room.id)
    state_row = next(
        (r for r in await sanction_store.room_states(svc.db) if r.room_id == room.id), None
    )
    return {
        "room": {
            "id": room.id,
            "name": room.name,
            "member_count": svc.hub.member_count(room.id),
            "mode": mode.mode if mode else "open",
            "until": mode.until if mode else None,
            "sanction_id": state_row.sanction_id if state_row and mode else None,
        },
        "members": members,
        "messages": [message_json(m) for m in feed],
        "last": feed[-1].id if feed else (after or ""),
    }
