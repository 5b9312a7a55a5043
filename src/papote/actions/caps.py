"""Caps on connections: a few per session (the oldest is closed), and per address prefix.

Counted per node, in memory. A session with more than ``max_connections_per_user``
sockets on a node loses its oldest one (the tab left open somewhere); a prefix (an
IPv4 address, an IPv6 /64) over ``max_connections_per_prefix`` is refused: set high,
since a carrier's CGNAT puts many people behind one IPv4 address.
See docs/security-floods-faults.md.
"""

from __future__ import annotations

from prometheus_client import Counter

from papote.actions.errors import MESSAGES_FR, ActionError
from papote.actions.services import Services
from papote.realtime.events import encode

CAPPED = Counter(
    "papote_connections_capped_total", "Connections closed or refused by a cap", ["cap"]
)


def check_prefix_cap(svc: Services, prefix: str) -> None:
    """Refuse a new connection from a prefix already holding its share of this node."""
    if svc.conn_by_prefix.get(prefix, 0) >= svc.settings.max_connections_per_prefix:
        CAPPED.labels("prefix").inc()
        raise ActionError("too_many_connections")


def count_prefix(svc: Services, prefix: str, delta: int) -> None:
    count = svc.conn_by_prefix.get(prefix, 0) + delta
    if count > 0:
        svc.conn_by_prefix[prefix] = count
    else:
        svc.conn_by_prefix.pop(prefix, None)


def close_oldest_over_cap(svc: Services, user_id: str) -> None:
    """Make room for one more connection of ``user_id``: close the oldest ones."""
    conns = [c for c in svc.hub.conns.get(user_id, ()) if not c.closed]
    excess = len(conns) + 1 - svc.settings.max_connections_per_user
    if excess <= 0:
        return
    frame = encode(
        {
            "type": "error",
            "ref": None,
            "code": "too_many_connections",
            "message": MESSAGES_FR["too_many_connections"],
        }
    )
    for conn in sorted(conns, key=lambda c: c.opened)[:excess]:
        CAPPED.labels("user").inc()
        conn.push(frame)
        conn.close_soon(4008, "too many connections")
