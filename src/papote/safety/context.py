"""What a hook gets to judge: the content and who is involved, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Channel = Literal["room", "dm"]


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    age: int
    verified_adult: bool = False
    possibly_minor: bool = False
    # milliseconds since the epoch when the session was created (new accounts get less trust)
    since: int = 0


@dataclass(frozen=True, slots=True)
class MessageContext:
    text: str
    channel: Channel
    sender: Participant
    recipient: Participant | None = None  # for a dm
    room: str | None = None
    room_adult: bool = False  # room reserved to explicit adult topics
    conversation: str = ""  # stable key of the conversation (room id or sorted pair)
    first_contact: bool = False  # first dm between these two people
    ts: int = 0


@dataclass(frozen=True, slots=True)
class EntryContext:
    pseudo: str
    age: int
    gender: str
    postal_code: str
    ip_hash: str = ""
    device_hash: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MediaContext:
    data: bytes
    content_type: str
    uploader: Participant
