"""Caps on connections: a few per session (the oldest is closed), and per address prefix.

Counted for the whole cluster when Redis is configured (realtime/seats.py), else on
this node. A session with more than ``max_connections_per_user`` sockets loses its
oldest ones (the tab left open somewhere), on whichever node they are; a prefix (an
IPv4 address, an IPv6 /64) over ``max_connections_per_prefix`` is refused: set high,
since a carrier's CGNAT puts many people behind one IPv4 address.
See docs/security-floods-faults.md.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter

from papote.actions.errors import MESSAGES_FR, ActionError
from papote.actions.services import Services
from papote.realtime.broker import Envelope
from papote.realtime.events import encode
from papote.realtime.seats import Caps, Seat, instance_of

CAPPED = Counter(
    "papote_connections_capped_total", "Connections closed or refused by a cap", ["cap"]
)


def _caps(svc: Services) -> Caps:
    return Caps(svc.settings.max_connections_per_user, svc.settings.max_connections_per_prefix)


async def do_take_seat(svc: Services, user_id: str, prefix: str) -> tuple[Seat, tuple[str, ...]]:
    """Count a new socket; refused when its prefix is full. Returns the seat, and the
    person's oldest seats (on any node) that must make room for it."""
    seat = svc.seats.new_seat(user_id, prefix)
    taken = await svc.seats.take(seat, _caps(svc))
    if taken.refused:
        CAPPED.labels("prefix").inc()
        raise ActionError("too_many_connections")
    return seat, taken.evict


async def do_release_seat(svc: Services, seat: Seat | None) -> None:
    if seat is not None:
        await svc.seats.release(seat)


async def do_evict(svc: Services, user_id: str, seats: tuple[str, ...]) -> None:
    """Close the person's oldest sockets: here at once, elsewhere through the broker."""
    if not seats:
        return
    close_seats(svc, user_id, {s for s in seats if instance_of(s) == svc.seats.instance})
    remote = sorted(s for s in seats if instance_of(s) != svc.seats.instance)
    if remote:
        control = {"op": "evict", "user_id": user_id, "seats": remote}
        await svc.broker.publish(Envelope("nodes", control=control))


def close_seats(svc: Services, user_id: str, seats: set[str]) -> None:
    frame = encode(
        {
            "type": "error",
            "ref": None,
            "code": "too_many_connections",
            "message": MESSAGES_FR["too_many_connections"],
        }
    )
    for conn in tuple(svc.hub.conns.get(user_id, ())):
        if conn.seat is not None and conn.seat.key in seats and not conn.closed:
            CAPPED.labels("user").inc()
            conn.push(frame)
            conn.close_soon(4008, "too many connections")


def install(svc: Services) -> None:
    """Seats named for eviction by another node are closed where they live."""

    def on_evict(control: dict[str, Any]) -> None:
        close_seats(svc, control["user_id"], set(control["seats"]))

    svc.hub.control_handlers["evict"] = on_evict
