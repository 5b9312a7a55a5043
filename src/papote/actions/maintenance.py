"""Cluster upkeep: state sync between nodes, node departures, retention purge."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import fields, replace
from typing import Any

from papote.actions import legal
from papote.actions.services import Services
from papote.actions.terms import reload_terms
from papote.realtime.broker import Envelope
from papote.realtime.events import PublicUser, ResyncEvent, RoomCountsEvent
from papote.realtime.resync import apply_state, snapshot
from papote.store import browser_sessions, media, messages, rooms
from papote.store.age_locks import SqlAgeGateStore

log = logging.getLogger(__name__)
DAY_MS = 86_400_000
PUBLIC_FIELDS = {f.name for f in fields(PublicUser)}


def install(svc: Services) -> None:
    """Register the control handlers that need the actions layer."""
    hub = svc.hub

    def on_sync(control: dict[str, Any]) -> None:
        # A node asks for the cluster's state: every node re-announces its own users.
        asyncio.get_running_loop().create_task(_announce_local_state(svc))
        asker = control.get("node")
        if asker is not None and asker != svc.node and asker in hub.node_seen:
            # it never said node_down: it crashed and came back, or Redis was away.
            # What it acknowledged but could not publish is in the store: catch up.
            tell_clients_to_catch_up(svc)

    def on_node_down(control: dict[str, Any]) -> None:
        node = control["node"]
        if node == svc.node:
            return
        hub.node_seen.pop(node, None)
        for user_id, nodes in list(hub.nodes_of.items()):
            if node in nodes:
                hub._node_left(user_id, node)

    def on_session(control: dict[str, Any]) -> None:
        session = svc.sessions.get(control["user_id"])
        if session is None:
            return
        for key, value in control["fields"].items():
            setattr(session, key, value)
            if key in PUBLIC_FIELDS:  # e.g. the verified_adult badge
                session.public = replace(session.public, **{key: value})

    def on_terms(control: dict[str, Any]) -> None:
        task = asyncio.get_running_loop().create_task(reload_terms(svc))
        svc.extras.setdefault("background", set()).add(task)
        task.add_done_callback(svc.extras["background"].discard)

    def on_state(control: dict[str, Any]) -> None:
        if control["node"] != svc.node:
            apply_state(hub, control)

    async def on_recover() -> None:
        await _resync(svc)

    svc.broker.on_recover = on_recover
    hub.control_handlers["state"] = on_state
    hub.control_handlers["terms"] = on_terms
    hub.control_handlers["sync"] = on_sync
    hub.control_handlers["node_down"] = on_node_down
    hub.control_handlers["session"] = on_session


async def _announce_local_state(svc: Services) -> None:
    """One ``state`` envelope: the others replace what they knew of this node."""
    await svc.broker.publish(Envelope("nodes", control=snapshot(svc.hub, svc.node)))


async def _resync(svc: Services) -> None:
    """After a Redis outage: every node re-announces its state (this one included), and
    this node's clients are told to fetch what other nodes sent meanwhile."""
    await svc.broker.publish(Envelope("nodes", control={"op": "sync", "node": svc.node}))
    await svc.seats.alive()  # the connection caps' count of this node, back in Redis
    tell_clients_to_catch_up(svc)


def tell_clients_to_catch_up(svc: Services, every_s: float = 2.0) -> None:
    """``resync`` to this node's clients (at most once per ``every_s``): messages
    acknowledged elsewhere may not have reached them live; they fetch ``history``
    ``after`` the last message they have."""
    now = time.monotonic()
    if now - svc.extras.get("last_resync", -every_s) < every_s:
        return
    svc.extras["last_resync"] = now
    frame = ResyncEvent().encode()
    for user_id in list(svc.hub.conns):
        svc.hub.send_local(user_id, frame)


async def sync_cluster(svc: Services) -> None:
    """At start: alone, forget stale memberships; in a cluster, ask the others."""
    if svc.redis is None:
        await rooms.clear_memberships(svc.db)
        return
    await svc.broker.publish(Envelope("nodes", control={"op": "sync", "node": svc.node}))


async def purge_once(svc: Services) -> int:
    """Delete messages older than the retention period; expired age-gate locks too."""
    now = svc.clock()
    cutoff = now - svc.settings.history_retention_days * DAY_MS
    removed = await messages.purge_older_than(svc.db, cutoff)
    # images follow their messages; one never sent goes after media_unsent_ttl_s
    await media.purge_unreferenced(svc.db, now - svc.settings.media_unsent_ttl_s * 1000)
    orphans = await media.purge_orphan_bytes(svc.db)  # SQLite's side file, after a restore
    if orphans:
        log.warning("image bytes without their row deleted", extra={"images": orphans})
    await browser_sessions.forget_ended(svc.db)
    await SqlAgeGateStore(svc.db).purge(now)
    await legal.purge(svc, now)  # connection logs after a year; browser keys
    if removed:
        log.info("retention purge", extra={"removed": removed})
    return removed


async def repeat(once: Callable[[], Awaitable[object]], every_s: float, what: str) -> None:
    """Run ``once`` now and then every ``every_s`` seconds, for ever; a failure is logged
    and the next round still runs."""
    while True:
        try:
            await once()
        except Exception:
            log.exception("%s failed", what)
        await asyncio.sleep(every_s)


async def run_purge(svc: Services) -> None:
    await repeat(lambda: purge_once(svc), svc.settings.purge_interval_s, "purge")


async def run_room_counts(svc: Services, every_s: float = 5.0) -> None:
    """Tell this node's clients the rooms' member counts when they changed.

    One frame for everyone, encoded once per tick; rooms one has not joined stay live
    in the rooms list without an event per join.
    """
    last: tuple[tuple[str, int], ...] = ()
    while True:
        await asyncio.sleep(every_s)
        counts = tuple((room, svc.hub.member_count(room)) for room in svc.rooms)
        if counts == last or not svc.hub.conns:
            continue
        last = counts
        frame = RoomCountsEvent(counts).encode()
        for user_id in list(svc.hub.conns):
            svc.hub.send_local(user_id, frame)


async def run_node_watch(svc: Services) -> None:
    """In a cluster: say this node is alive, and forget the users of a node that went
    silent (killed without its ``node_down``), so that nobody stays shown online."""
    if svc.redis is None:
        return
    every = svc.settings.heartbeat_s
    while True:
        try:
            await svc.seats.alive()
            await svc.broker.publish(
                Envelope("nodes", control={"op": "node_alive", "node": svc.node})
            )
            known = set(svc.hub.node_seen)
            for user in svc.hub.drop_silent_nodes(3 * every, keep=svc.node):
                svc.hub.presence.changed(user, "offline")
            if known - set(svc.hub.node_seen):  # a node died: what it acked, fetch it
                tell_clients_to_catch_up(svc)
        except Exception:
            log.exception("node watch failed")
        await asyncio.sleep(every)
