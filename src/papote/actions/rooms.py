"""Rooms: join, leave, who is online; who may see a room."""

from __future__ import annotations

from typing import Any

from papote.actions.errors import ActionError, Rejected
from papote.actions.room_state import check_may_join
from papote.actions.services import RoomInfo, Services
from papote.actions.session import SessionUser
from papote.actions.views import message_view, room_json
from papote.realtime.broker import Envelope
from papote.realtime.events import MemberEvent, PublicUser
from papote.realtime.presence import Watch
from papote.store import messages, rooms

HISTORY_ON_JOIN = 50


def check_room(svc: Services, room_id: Any) -> RoomInfo:
    room = svc.rooms.get(room_id) if isinstance(room_id, str) else None
    if room is None:
        raise ActionError("unknown_room")
    return room


def check_can_see(svc: Services, session: SessionUser, room_id: Any) -> RoomInfo:
    """The room, if ``session`` may join it. Every read of a room (join, history, who,
    typing) asks what joining asks: seeing a room's people or messages is joining it."""
    room = check_room(svc, room_id)
    if session.possibly_minor and (room.closed_to_minors or room.adult):
        raise ActionError("minor_restricted_room")
    if room.adult and not session.verified_adult:
        raise ActionError("adult_room")
    return room


async def do_join(svc: Services, session: SessionUser, room_id: Any) -> dict[str, Any]:
    """Join a room; returns the ``joined`` payload (room, members, last 50 messages)."""
    room = check_can_see(svc, session, room_id)
    if not await svc.limits.hit("join", session.id):
        raise Rejected("rate_limited")
    if not svc.hub.is_member(room.id, session.id):
        await check_may_join(svc, session, room.id)  # room closed, or kicked from it
        await rooms.add_member(svc.db, room.id, session.id, now=svc.clock())
        await _announce_membership(svc, session, room.id, joined=True)
    history = await messages.page(svc.db, room_id=room.id, limit=HISTORY_ON_JOIN)
    blocked = svc.hub.blocks.get(session.id, set())
    return {
        "room": room_json(svc, room),
        "members": [u.to_json() for u in members_of(svc, room.id) if u.id not in blocked],
        "history": [
            message_view(m, viewer=session.id).to_json()
            for m in history
            if m.sender_id not in blocked
        ],
    }


def members_of(svc: Services, room_id: str) -> list[PublicUser]:
    directory = svc.hub.directory
    return [directory[u] for u in svc.hub.members.get(room_id, ()) if u in directory]


async def do_leave_room(svc: Services, session: SessionUser, room_id: Any) -> str:
    room = check_room(svc, room_id)
    if svc.hub.is_member(room.id, session.id):
        await rooms.remove_member(svc.db, room.id, session.id)
        await _announce_membership(svc, session, room.id, joined=False)
    return room.id


async def _announce_membership(
    svc: Services, session: SessionUser, room_id: str, *, joined: bool
) -> None:
    """member_joined/member_left to the room's other members, and every hub's state."""
    count = max(svc.hub.member_count(room_id) + (1 if joined else -1), 0)
    frame = MemberEvent(joined, room_id, session.public, count).encode()
    op = "join" if joined else "leave"
    await svc.broker.publish(
        Envelope(
            f"room:{room_id}",
            frame,
            sender=session.id,
            echo=False,
            control={"op": op, "room": room_id, "user_id": session.id},
        )
    )


def _region_matches(user: PublicUser, wanted: str, svc: Services) -> bool:
    if user.region == wanted:
        return True
    name = svc.places.regions.get(wanted)
    return name is not None and user.region == name


def do_watch(svc: Services, session: SessionUser, filters: dict[str, Any]) -> None:
    """The list of a ``who`` is the one this person looks at: they hear of the arrivals
    and departures of the people it shows (realtime/presence.py). Call after ``who``,
    which checks the filters."""
    region = filters.get("region")
    if region is not None:
        region = svc.places.regions.get(region, region)
    watch = Watch(
        region=region,
        gender=filters.get("gender"),
        age_min=filters.get("age_min"),
        age_max=filters.get("age_max"),
        room=filters.get("room"),
    )
    svc.hub.presence.look_at(session.id, watch)


def who(svc: Services, session: SessionUser, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Online users matching the filters, minus the people the viewer blocks."""
    gender = filters.get("gender")
    age_min = filters.get("age_min")
    age_max = filters.get("age_max")
    region = filters.get("region")
    room_id = filters.get("room")
    if room_id is not None:
        check_can_see(svc, session, room_id)
        pool = members_of(svc, room_id)
    else:
        pool = list(svc.hub.directory.values())
    blocked = svc.hub.blocks.get(session.id, set())
    found = [
        u
        for u in pool
        if u.id not in blocked
        and (gender is None or u.gender == gender)
        and (age_min is None or u.age >= age_min)
        and (age_max is None or u.age <= age_max)
        and (region is None or _region_matches(u, region, svc))
    ]
    found.sort(key=lambda u: u.pseudo.casefold())
    return [u.to_json() for u in found]
