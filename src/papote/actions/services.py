"""The parts every action needs, wired once by the app's lifespan (see app.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from papote.actions.ratelimit import RateLimits
from papote.clock import Clock, now_ms
from papote.ids import MessageIds
from papote.realtime.broker import Broker
from papote.realtime.hub import Hub
from papote.realtime.seats import MemorySeats, Seats
from papote.reference.places import Places
from papote.safety.pipeline import SafetyPipeline
from papote.settings import Settings
from papote.store.audit import AuditBatch
from papote.store.db import Database
from papote.store.models import AuditLog


@dataclass(frozen=True, slots=True)
class RoomInfo:
    id: str
    name: str
    topic: str
    kind: str
    region: str | None
    adult: bool
    closed_to_minors: bool = False  # dating, older adults, adult rooms (docs/minors.md)


@dataclass
class Services:
    settings: Settings
    db: Database
    broker: Broker
    hub: Hub
    places: Places
    limits: RateLimits
    pipeline: SafetyPipeline
    rooms: dict[str, RoomInfo]
    node: str
    ids: MessageIds = field(default_factory=MessageIds)
    clock: Clock = now_ms
    redis: Any = None  # redis.asyncio.Redis when configured
    extras: dict[str, Any] = field(default_factory=dict)  # optional parts (engine, age gate)
    sessions: dict[str, Any] = field(default_factory=dict)  # user id -> SessionUser (local)
    linger: dict[str, asyncio.TimerHandle] = field(default_factory=dict)  # user -> offline timer
    seats: Seats = field(default_factory=lambda: MemorySeats("local"))  # connection caps
    audit_batch: AuditBatch | None = None  # automated entries written a moment later

    def audit_soon(self, row: AuditLog) -> None:
        """Chain ``row`` to the audit log without waiting (store/audit.py AuditBatch)."""
        if self.audit_batch is None:
            self.audit_batch = AuditBatch(self.db)
        self.audit_batch.add(row)
