"""Every server event matches the protocol's shape (PROTOCOL.md), checked by schema."""

from __future__ import annotations

from typing import Literal

import orjson
import pytest
from pydantic import BaseModel, ConfigDict

from papote.realtime.events import (
    MemberEvent,
    MessageEvent,
    MessageView,
    NoticeEvent,
    PresenceEvent,
    PublicUser,
    ReconnectEvent,
    RoomCountsEvent,
    SanctionEvent,
    TypingEvent,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PublicUserSchema(Strict):
    id: str
    pseudo: str
    age: int
    gender: Literal["homme", "femme", "autre"]
    city: str
    region: str
    verified_adult: bool


class MediaSchema(Strict):
    id: str
    blurred: bool


class MessageSchema(Strict):
    id: str
    room: str | None
    dm: str | None
    # "from" is a keyword in Python
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
    from_: PublicUserSchema
    text: str
    media: MediaSchema | None
    ts: int

    @classmethod
    def check(cls, data: dict) -> None:
        data = dict(data)
        data["from_"] = data.pop("from")
        cls.model_validate(data)


class MessageFrame(Strict):
    type: Literal["message"]
    message: dict


class PresenceFrame(Strict):
    type: Literal["presence"]
    user: PublicUserSchema
    status: Literal["online", "offline"]


class MemberFrame(Strict):
    type: Literal["member_joined", "member_left"]
    room: str
    user: PublicUserSchema
    member_count: int


class TypingFrame(Strict):
    type: Literal["typing"]
    user: PublicUserSchema
    room: str | None = None
    dm: str | None = None


class NoticeFrame(Strict):
    type: Literal["notice"]
    level: Literal["info", "warning"]
    text: str
    key: str


class SanctionFrame(Strict):
    type: Literal["sanction"]
    action: Literal["mute", "kick", "ban"]
    until: int | None
    reason: str
    statement: str


class ReconnectFrame(Strict):
    type: Literal["reconnect"]
    after_ms: int


class RoomCount(Strict):
    id: str
    member_count: int


class RoomsFrame(Strict):
    type: Literal["rooms"]
    rooms: list[RoomCount]


USER = PublicUser("u1", "Marin_75", 34, "homme", "Paris", "Île-de-France", False)
VIEW = MessageView("0001", "general", None, USER.to_json(), "salut", None, 1763870000000)

CASES = [
    (MessageEvent(VIEW), MessageFrame),
    (MessageEvent(VIEW.seen_by("u2")), MessageFrame),
    (PresenceEvent(USER, "online"), PresenceFrame),
    (PresenceEvent(USER, "offline"), PresenceFrame),
    (MemberEvent(True, "general", USER, 3), MemberFrame),
    (MemberEvent(False, "general", USER, 2), MemberFrame),
    (TypingEvent(USER, room="general"), TypingFrame),
    (TypingEvent(USER, dm="u1"), TypingFrame),
    (NoticeEvent("Rencontrez-vous dans un lieu public.", "info", "meeting"), NoticeFrame),
    (SanctionEvent("ban", None, "child_safety", "Votre compte est suspendu."), SanctionFrame),
    (ReconnectEvent(1000), ReconnectFrame),
    (RoomCountsEvent((("general", 3), ("sport", 0))), RoomsFrame),
]


@pytest.mark.parametrize(("event", "schema"), CASES, ids=lambda c: type(c).__name__)
def test_event_matches_protocol(event, schema):
    frame = orjson.loads(event.encode())  # what goes on the wire
    schema.model_validate(frame)
    if frame["type"] == "message":
        MessageSchema.check(frame["message"])
        assert (frame["message"]["room"] is None) != (frame["message"]["dm"] is None)
    if frame["type"] == "typing":
        assert ("room" in frame) != ("dm" in frame)
