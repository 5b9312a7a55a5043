"""Server events: one typed model each, encoded once per fan-out.

``encode()`` returns the JSON text of the frame; the hub sends the same string to
every recipient (Ergo's MessageCache habit). Reply frames to a request (``ack``,
``joined``...) are built by the gateway; these are the frames sent without a request.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import orjson


def encode(frame: dict[str, Any]) -> str:
    return orjson.dumps(frame).decode()


@dataclass(frozen=True, slots=True)
class PublicUser:
    id: str
    pseudo: str
    age: int
    gender: str
    city: str
    region: str
    verified_adult: bool

    def to_json(self) -> dict[str, Any]:
        # by hand, not dataclasses.asdict (a deep copy): a join lists every member
        return {
            "id": self.id,
            "pseudo": self.pseudo,
            "age": self.age,
            "gender": self.gender,
            "city": self.city,
            "region": self.region,
            "verified_adult": self.verified_adult,
        }


@dataclass(frozen=True, slots=True)
class MessageView:
    id: str
    room: str | None
    dm: str | None
    sender: dict[str, Any]  # a PublicUser as JSON
    text: str
    media: dict[str, Any] | None
    ts: int
    veiled: bool = False  # explicit words behind a "contenu explicite" veil (images.md)

    def to_json(self) -> dict[str, Any]:
        frame = {
            "id": self.id,
            "room": self.room,
            "dm": self.dm,
            "from": self.sender,
            "text": self.text,
            "media": self.media,
            "ts": self.ts,
        }
        if self.veiled:
            frame["veiled"] = True
        return frame

    def seen_by(self, other: str) -> MessageView:
        """The same DM as seen by a participant for whom ``other`` is the other person."""
        return MessageView(
            self.id, None, other, self.sender, self.text, self.media, self.ts, self.veiled
        )


class Event(ABC):
    type: ClassVar[str]

    @abstractmethod
    def frame(self) -> dict[str, Any]: ...

    def encode(self) -> str:
        return encode(self.frame())


@dataclass(frozen=True, slots=True)
class MessageEvent(Event):
    type: ClassVar[str] = "message"
    message: MessageView

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "message": self.message.to_json()}


@dataclass(frozen=True, slots=True)
class PresenceEvent(Event):
    type: ClassVar[str] = "presence"
    user: PublicUser
    status: Literal["online", "offline"]

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "user": self.user.to_json(), "status": self.status}


@dataclass(frozen=True, slots=True)
class MemberEvent(Event):
    type: ClassVar[str] = "member"
    joined: bool
    room: str
    user: PublicUser
    member_count: int

    def frame(self) -> dict[str, Any]:
        return {
            "type": "member_joined" if self.joined else "member_left",
            "room": self.room,
            "user": self.user.to_json(),
            "member_count": self.member_count,
        }


@dataclass(frozen=True, slots=True)
class TypingEvent(Event):
    type: ClassVar[str] = "typing"
    user: PublicUser
    room: str | None = None
    dm: str | None = None  # the typist's id, as seen by the receiver

    def frame(self) -> dict[str, Any]:
        frame: dict[str, Any] = {"type": self.type, "user": self.user.to_json()}
        if self.room is not None:
            frame["room"] = self.room
        else:
            frame["dm"] = self.dm
        return frame


@dataclass(frozen=True, slots=True)
class NoticeEvent(Event):
    type: ClassVar[str] = "notice"
    text: str
    level: Literal["info", "warning"] = "info"
    key: str = ""
    dm: str = ""  # the other participant, when the notice concerns one private conversation
    # What became of the sender's held message (docs/protocol.md): its id, and
    # "published" or "removed"; for a removed one, the rule it broke, in words.
    message_id: str = ""
    outcome: str = ""
    reason: str = ""

    def frame(self) -> dict[str, Any]:
        frame: dict[str, Any] = {
            "type": self.type,
            "level": self.level,
            "text": self.text,
            "key": self.key,
        }
        if self.dm:
            frame["dm"] = self.dm
        if self.message_id:
            frame["message_id"] = self.message_id
            frame["outcome"] = self.outcome
            if self.reason:
                frame["reason"] = self.reason
        return frame


@dataclass(frozen=True, slots=True)
class SanctionEvent(Event):
    type: ClassVar[str] = "sanction"
    # "suspend" (extension): access closed pending a moderator's review, at most until
    # `until`; the socket is closed with 4003 as for a ban (docs/protocol.md)
    action: Literal["mute", "kick", "ban", "suspend"]
    until: int | None
    reason: str
    statement: str
    room: str = ""  # extension, a kick: the room the person was taken out of ("" = all)

    def frame(self) -> dict[str, Any]:
        frame: dict[str, Any] = {
            "type": self.type,
            "action": self.action,
            "until": self.until,
            "reason": self.reason,
            "statement": self.statement,
        }
        if self.action == "kick":
            frame["room"] = self.room or None
        return frame


@dataclass(frozen=True, slots=True)
class ReconnectEvent(Event):
    type: ClassVar[str] = "reconnect"
    after_ms: int

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "after_ms": self.after_ms}


@dataclass(frozen=True, slots=True)
class ResyncEvent(Event):
    """The cluster was split (Redis outage): messages from other nodes may have been
    missed; the client fetches each open conversation's ``history`` ``after`` the last
    message it has."""

    type: ClassVar[str] = "resync"

    def frame(self) -> dict[str, Any]:
        return {"type": self.type}


@dataclass(frozen=True, slots=True)
class RoomCountsEvent(Event):
    """Live member counts of every room, for the rooms list (sent when they change)."""

    type: ClassVar[str] = "rooms"
    counts: tuple[tuple[str, int], ...]

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "rooms": [{"id": room, "member_count": count} for room, count in self.counts],
        }
