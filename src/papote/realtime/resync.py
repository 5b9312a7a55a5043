"""A node's whole state in one envelope, and how the others take it in.

After a Redis outage (or when a node starts) every node publishes a ``state``
snapshot: the users it holds and their rooms. A hub that receives it *replaces* what
it knew of that node: users the node no longer holds go offline here (unless another
node holds them), newcomers come online, and memberships are set to the snapshot's.
Local clients get the presence and member events of the differences. Changes missed
while the nodes could not hear each other are thereby repaired, not only additions.
"""

from __future__ import annotations

import time
from typing import Any

from papote.realtime.events import MemberEvent, PublicUser
from papote.realtime.hub import Hub


def snapshot(hub: Hub, node: str) -> dict[str, Any]:
    """The ``state`` control of this node: its local users and their rooms."""
    users = [hub.directory[u].to_json() for u in hub.conns if u in hub.directory]
    rooms = {u["id"]: sorted(hub.rooms_of.get(u["id"], ())) for u in users}
    return {"op": "state", "node": node, "users": users, "rooms": rooms}


def _to_room_local(hub: Hub, room: str, frame: str, skip: str) -> None:
    for member in hub.members.get(room, ()):
        if member != skip and member in hub.conns:
            hub.send_local(member, frame)


def apply_state(hub: Hub, control: dict[str, Any]) -> None:
    node = control["node"]
    hub.node_seen[node] = time.monotonic()
    announced = {u["id"]: PublicUser(**u) for u in control["users"]}
    for user_id, nodes in list(hub.nodes_of.items()):
        if node in nodes and user_id not in announced:
            user = hub.directory.get(user_id)
            if hub._node_left(user_id, node) and user is not None:  # member_left sent
                hub.presence.changed(user, "offline")
    for user_id, user in announced.items():
        arrived = user_id not in hub.directory
        hub.directory[user_id] = user
        hub.nodes_of.setdefault(user_id, set()).add(node)
        if arrived:
            hub.presence.changed(user, "online")
        _set_rooms(hub, user, set(control["rooms"].get(user_id, ())))


def _set_rooms(hub: Hub, user: PublicUser, rooms: set[str]) -> None:
    current = hub.rooms_of.setdefault(user.id, set())
    for room in rooms - current:
        hub.members.setdefault(room, set()).add(user.id)
        current.add(room)
        frame = MemberEvent(True, room, user, hub.member_count(room)).encode()
        _to_room_local(hub, room, frame, skip=user.id)
    for room in current - rooms:
        hub.members.get(room, set()).discard(user.id)
        current.discard(room)
        frame = MemberEvent(False, room, user, hub.member_count(room)).encode()
        _to_room_local(hub, room, frame, skip=user.id)
