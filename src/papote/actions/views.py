"""Shapes of the protocol built from stored rows (public user, room, message)."""

from __future__ import annotations

from typing import Any

from papote.actions.services import RoomInfo, Services
from papote.realtime.events import MessageView, PublicUser
from papote.store.models import Message, User


def public_user(user: User) -> PublicUser:
    return PublicUser(
        id=user.id,
        pseudo=user.pseudo,
        age=user.age,
        gender=user.gender,
        city=user.city,
        region=user.region,
        verified_adult=user.verified_adult,
    )


def own_user(user: User) -> dict[str, Any]:
    """The user as they see themself: public fields plus their own flags."""
    data = public_user(user).to_json()
    data["department"] = user.department
    data["possibly_minor"] = user.possibly_minor
    return data


def room_json(svc: Services, room: RoomInfo) -> dict[str, Any]:
    return {
        "id": room.id,
        "name": room.name,
        "topic": room.topic,
        "kind": room.kind,
        "member_count": svc.hub.member_count(room.id),
        "adult": room.adult,
        "closed_to_minors": room.closed_to_minors,
        "region": room.region,
    }


def image_blurred(
    message: Message, viewer: str | None, *, answered: bool, members: bool = False
) -> bool:
    """Whether ``viewer`` first sees the message's image blurred (docs/images.md).

    The sender sees their own image; an explicit image is blurred for everyone else;
    in private, an image from someone the viewer has not answered yet is blurred too.
    ``members``: the one frame a room message is fanned out in, as every member sees
    it (the sender's own view is its ack). Without a viewer (evidence for moderators),
    blurred.
    """
    if viewer is not None and viewer == message.sender_id:
        return False
    info = message.media_info or {}
    if info.get("explicit"):
        return True
    if message.room_id is not None and (members or viewer is not None):
        return False
    if viewer is None:
        return True
    return message.dm_key is not None and not answered


def message_view(
    message: Message, *, viewer: str | None = None, answered: bool = False, members: bool = False
) -> MessageView:
    """The message as ``viewer`` sees it; ``answered``: the viewer has written in this
    private conversation (images and explicit words then arrive unveiled); ``members``:
    as every member of its room sees it (the frame encoded once for all of them)."""
    other = None
    if message.dm_key is not None:
        other = message.recipient_id if message.sender_id == viewer else message.sender_id
    media = None
    if message.media_id:
        info = message.media_info or {}
        media = {
            "id": message.media_id,
            "blurred": image_blurred(message, viewer, answered=answered, members=members),
            "width": info.get("width"),
            "height": info.get("height"),
            "explicit": bool(info.get("explicit")),
        }
    veiled = message.veiled and viewer != message.sender_id and not answered
    return MessageView(
        id=message.id,
        room=message.room_id,
        dm=other,
        sender=dict(message.sender),
        text=message.text,
        media=media,
        ts=message.ts,
        veiled=veiled,
    )
