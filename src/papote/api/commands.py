"""The command table: frame type -> handler, required fields, flood cost.

What a frame may do lives here, not repeated in each handler (Ergo's
irc/commands.go habit). A handler returns the reply frame (the gateway adds the
``ref``) or None when the protocol wants no reply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from papote.actions import messages, rooms, social, typing
from papote.actions.errors import ActionError
from papote.actions.reports import do_report
from papote.actions.services import Services
from papote.actions.session import SessionUser
from papote.realtime.connection import Connection
from papote.realtime.events import MessageView, encode

Reply = dict[str, Any] | None


@dataclass(slots=True)
class Caller:
    """Who sends the frame: the session, its connection and hashed address."""

    session: SessionUser
    ip_hash: str
    conn: Connection
    ref: Any = None

    def reply_now(self, frame: dict[str, Any]) -> None:
        """Queue a reply before the handler returns (an ack must precede its fan-out)."""
        frame["ref"] = self.ref
        self.conn.push(encode(frame))


Handler = Callable[[Services, Caller, dict[str, Any]], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Command:
    handler: Handler
    required: dict[str, type | tuple[type, ...]] = field(default_factory=dict)
    optional: dict[str, type | tuple[type, ...]] = field(default_factory=dict)
    cost: int = 1  # flood-control cost of the frame


def check_fields(command: Command, frame: dict[str, Any]) -> None:
    for name, kind in command.required.items():
        value = frame.get(name)
        if (
            value is None
            or not isinstance(value, kind)
            or (isinstance(value, bool) and kind is int)
        ):
            raise ActionError("bad_frame", f"Champ « {name} » manquant ou invalide.")
    for name, kind in command.optional.items():
        value = frame.get(name)
        if value is not None and (
            not isinstance(value, kind) or (isinstance(value, bool) and kind is int)
        ):
            raise ActionError("bad_frame", f"Champ « {name} » invalide.")


async def _join(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    return {"type": "joined", **await rooms.do_join(svc, c.session, f["room"])}


async def _leave(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    return {"type": "left", "room": await rooms.do_leave_room(svc, c.session, f["room"])}


def _outgoing(c: Caller, f: dict[str, Any]) -> messages.Outgoing:
    def ack(view: MessageView) -> None:
        c.reply_now({"type": "ack", "message": view.to_json()})

    return messages.Outgoing(f["text"], f.get("confirm"), c.ip_hash, f.get("media"), ack)


async def _say(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    await messages.do_say(svc, c.session, f["room"], _outgoing(c, f))
    return None  # the ack was queued once the message was stored, before the fan-out


async def _dm(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    await messages.do_dm(svc, c.session, f["to"], _outgoing(c, f))
    return None


async def _history(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    found = await messages.history(
        svc,
        c.session,
        room_id=f.get("room"),
        with_user=f.get("with"),
        before=f.get("before"),
        after=f.get("after"),
        limit=f.get("limit"),
    )
    return {"type": "history", "messages": found, "room": f.get("room"), "with": f.get("with")}


async def _who(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    found = rooms.who(svc, c.session, f)
    if f.get("watch") is not False:  # the list this person now looks at (presence)
        rooms.do_watch(svc, c.session, f)
    return {"type": "users", "users": found}


async def _typing(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    if f.get("room") is None and f.get("to") is None:
        raise ActionError("bad_frame", "Indique « room » ou « to ».")
    await typing.do_typing(svc, c.session, room_id=f.get("room"), to=f.get("to"))
    return None


async def _block(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    await social.do_block(svc, c.session, f["user"])
    return {"type": "ok"}


async def _unblock(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    await social.do_unblock(svc, c.session, f["user"])
    return {"type": "ok"}


async def _report(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    report_id = await do_report(
        svc,
        c.session,
        reason=f["reason"],
        message_id=f.get("message"),
        user_id=f.get("user"),
        comment=f.get("comment"),
    )
    return {"type": "ok", "report": report_id}


async def _prefs(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    if "dm" in f:
        await social.do_set_prefs(svc, c.session, f["dm"])
    return {"type": "prefs", "prefs": {"dm": c.session.dm_prefs}}


async def _ping(svc: Services, c: Caller, f: dict[str, Any]) -> Reply:
    return {"type": "pong"}


COMMANDS: dict[str, Command] = {
    "join": Command(_join, {"room": str}, cost=2),
    "leave": Command(_leave, {"room": str}),
    "say": Command(_say, {"room": str, "text": str}, {"media": str, "confirm": str}),
    "dm": Command(_dm, {"to": str, "text": str}, {"media": str, "confirm": str}),
    "history": Command(
        _history,
        {},
        {"room": str, "with": str, "before": str, "after": str, "limit": int},
        cost=2,
    ),
    "who": Command(
        _who,
        {},
        {
            "gender": str,
            "age_min": int,
            "age_max": int,
            "region": str,
            "room": str,
            "watch": bool,
        },
        cost=2,
    ),
    # typing costs like any frame, and the server forwards one every typing_every_s
    "typing": Command(_typing, {}, {"room": str, "to": str}, cost=1),
    "block": Command(_block, {"user": str}),
    "unblock": Command(_unblock, {"user": str}),
    # A report costs more than a message: mass false reports are an attack (issue 9).
    "report": Command(
        _report, {"reason": str}, {"message": str, "user": str, "comment": str}, cost=5
    ),
    "prefs": Command(_prefs, {}, {"dm": dict}),
    "ping": Command(_ping),  # costs a frame like any other: a ping flood is a flood
}
