"""Judging JSON Lines offline with the live engine (``papote moderate``, evaluation).

An input line is one message ``{"text", "channel"?, "room"?, "sender_age"?,
"recipient_age"?, "room_adult"?}`` or a conversation ``{"channel", "messages":
[{"sender", "age", "text"}, ...]}`` (PROTOCOL.md, "Offline moderation command").
A conversation is judged message by message with the same memory the server keeps,
so each verdict takes into account the messages before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from papote.safety.context import Channel, MessageContext, Participant
from papote.safety.engine import ModerationEngine
from papote.safety.memory import KEEP, MemoryEntry
from papote.safety.verdict import Verdict

DEFAULT_AGE = 30
STEP_MS = 30_000  # synthetic time between the messages of one conversation
BASE_TS = 1_763_870_000_000


class BadInput(ValueError):
    """A line that is not a message nor a conversation; the message is French."""


@dataclass(frozen=True, slots=True)
class _Message:
    sender: str
    age: int
    text: str


def _int(value: Any, name: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 130:
        raise BadInput(f"« {name} » doit être un entier entre 0 et 130.")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise BadInput("« text » doit être une chaîne de caractères.")
    return value


def _channel(value: Any, default: Channel) -> Channel:
    if value is None:
        return default
    if value == "room":
        return "room"
    if value == "dm":
        return "dm"
    raise BadInput("« channel » doit valoir « room » ou « dm ».")


def judge_line(engine: ModerationEngine, line: Mapping[str, Any], line_no: int) -> list[Verdict]:
    """The verdicts of one parsed input line, in order."""
    if not isinstance(line, Mapping):
        raise BadInput("Chaque ligne doit être un objet JSON.")
    scope = f"line{line_no}"
    room_adult = line.get("room_adult") is True
    room = line.get("room") if isinstance(line.get("room"), str) else None
    if "messages" in line:
        raw = line["messages"]
        if not isinstance(raw, list) or not raw:
            raise BadInput("« messages » doit être une liste non vide.")
        messages = []
        ages: dict[str, int] = {}
        for item in raw:
            if not isinstance(item, Mapping):
                raise BadInput("Chaque message doit être un objet JSON.")
            sender = item.get("sender")
            if not isinstance(sender, str) or not sender:
                raise BadInput("Chaque message doit avoir un « sender ».")
            age = _int(item.get("age"), "age", ages.get(sender, DEFAULT_AGE))
            ages.setdefault(sender, age)
            messages.append(_Message(sender, age, _text(item.get("text"))))
        channel = _channel(line.get("channel"), "dm")
    else:
        if "text" not in line:
            raise BadInput("Une ligne doit avoir « text » ou « messages ».")
        sender_age = _int(line.get("sender_age"), "sender_age", DEFAULT_AGE)
        recipient_age = _int(line.get("recipient_age"), "recipient_age", DEFAULT_AGE)
        channel = _channel(line.get("channel"), "dm" if "recipient_age" in line else "room")
        messages = [_Message("sender", sender_age, _text(line.get("text")))]
        ages = {"sender": sender_age, "recipient": recipient_age}
    return _judge_conversation(engine, messages, ages, channel, room, room_adult, scope)


def _judge_conversation(
    engine: ModerationEngine,
    messages: list[_Message],
    ages: Mapping[str, int],
    channel: Channel,
    room: str | None,
    room_adult: bool,
    scope: str,
) -> list[Verdict]:
    people = {name: Participant(id=f"{scope}:{name}", age=age) for name, age in ages.items()}
    history: list[MemoryEntry] = []
    facts: dict[str, str] = {}
    verdicts = []
    for index, message in enumerate(messages):
        sender = Participant(id=f"{scope}:{message.sender}", age=message.age)
        recipient = None
        if channel == "dm":
            others = [p for name, p in people.items() if name != message.sender]
            recipient = others[0] if others else Participant(id=f"{scope}:other", age=DEFAULT_AGE)
        ctx = MessageContext(
            text=message.text,
            channel=channel,
            sender=sender,
            recipient=recipient,
            room=room if channel == "room" else None,
            room_adult=room_adult,
            conversation=scope,
            first_contact=channel == "dm" and index == 0,
            ts=BASE_TS + index * STEP_MS,
        )
        assessment = engine.assess(ctx, history, facts)
        history = [*history, assessment.entry][-KEEP:]
        facts.update(assessment.facts)
        verdicts.append(assessment.verdict)
    return verdicts


def verdict_json(verdict: Verdict, explain: bool) -> dict[str, object]:
    out = verdict.to_json()
    if explain:
        out["rule"] = verdict.rule
        out["evidence"] = list(verdict.evidence)  # rules and model versions that contributed
        out["flags"] = sorted(verdict.flags)
        out["nudges"] = [n.key for n in verdict.nudges]
        out["explanation"] = verdict.explanation
    return out
