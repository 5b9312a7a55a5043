"""Builds the ASGI app; the lifespan wires the parts together (composition root).

Read this file to see every part of a running Papote node and how they connect:
settings -> database (migrated) -> reference data -> broker + hub -> safety
pipeline -> actions' Services -> HTTP routes and the WebSocket gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
import yaml
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route, WebSocketRoute

from papote import logs, web
from papote.actions import (
    caps,
    maintenance,
    media_runtime,
    notice_mail,
    room_state,
    room_watch,
    sanction_ends,
)
from papote.actions.presence import cancel_timers, run_heartbeat
from papote.actions.ratelimit import RateLimits
from papote.actions.services import RoomInfo, Services
from papote.actions.terms import reload_terms
from papote.api import (
    admin,
    age,
    http,
    media,
    metrics,
    openapi,
    public,
    staff,
    staff_cases,
    staff_stream,
)
from papote.api.headers import ResponseHeaders
from papote.api.transport import AbortHook
from papote.api.ws import gateway
from papote.ids import MessageIds
from papote.mail import mail_transport
from papote.realtime.broker import Broker, Envelope, InProcessBroker, RedisBroker
from papote.realtime.events import ReconnectEvent
from papote.realtime.hub import Hub
from papote.realtime.seats import MemorySeats, RedisSeats
from papote.reference.places import Places
from papote.safety.age_assurance import AgeAssurance, JwsAgeVerifier, NonceIssuer
from papote.safety.age_gate import AgeGate
from papote.safety.engine import ModerationEngine
from papote.safety.engine import install as install_text_moderation
from papote.safety.memory import ConversationMemory, InProcessMemory, RedisMemory
from papote.safety.memory_fallback import FallbackMemory
from papote.safety.pipeline import SafetyPipeline
from papote.settings import Settings, load_settings
from papote.store import rooms as room_store
from papote.store.db import Database
from papote.store.migrate import upgrade
from papote.store.replays import SqlReplayStore
from papote.web import console

log = logging.getLogger(__name__)
ROOMS_FILE = Path(__file__).parent / "reference" / "rooms.yaml"


async def _load_rooms(db: Database) -> dict[str, RoomInfo]:
    specs = yaml.safe_load(ROOMS_FILE.read_text(encoding="utf-8"))
    await room_store.seed(db, specs)
    return {
        r.id: RoomInfo(r.id, r.name, r.topic, r.kind, r.region, r.adult, r.closed_to_minors)
        for r in await room_store.all_rooms(db)
    }


def redis_client(url: str) -> aioredis.Redis:
    # Bounded waits: a Redis that hangs must not hang a request (the broker and the
    # rate limits fall back to this node while it is away).
    return aioredis.from_url(
        url, socket_timeout=2.0, socket_connect_timeout=2.0, retry=Retry(NoBackoff(), 1)
    )


def _build_services(settings: Settings, db: Database, redis: Any) -> Services:
    broker: Broker = RedisBroker(redis) if redis is not None else InProcessBroker()
    svc = Services(
        settings=settings,
        db=db,
        broker=broker,
        hub=Hub(presence_batch_s=settings.presence_batch_s),
        places=Places.load(),
        limits=RateLimits(settings),
        pipeline=SafetyPipeline(),
        rooms={},
        node=settings.node_name or secrets.token_hex(4),
        ids=MessageIds(),
        redis=redis,
    )
    if redis is not None:  # connection caps counted for the whole cluster
        alive_ms = int(3 * settings.heartbeat_s * 1000)
        svc.seats = RedisSeats(svc.node, redis, alive_ms=alive_ms)
    else:
        svc.seats = MemorySeats(svc.node)
    svc.extras["age_gate"] = AgeGate(settings.secret)
    issuers = settings.trusted_age_issuers()
    if issuers:
        replays = SqlReplayStore(db)
        verifier = JwsAgeVerifier(issuers, replays)  # type: ignore[arg-type]
        svc.extras["age_assurance"] = AgeAssurance(verifier, NonceIssuer(settings.secret, replays))
    engine = ModerationEngine.load(with_model=settings.text_model)
    memory: ConversationMemory = InProcessMemory()
    if redis is not None:
        memory = FallbackMemory(RedisMemory(redis), memory)
    install_text_moderation(svc.pipeline, engine, memory)
    svc.extras["engine"] = engine
    return svc


def _private_data(data_dir: Path) -> None:
    """The data folder and its files are the server's alone (0700 / 0600), old ones included."""
    data_dir.chmod(0o700)
    for path in data_dir.iterdir():
        if path.is_file():
            path.chmod(0o600)


def _delivery(svc: Services) -> Callable[[Envelope], Awaitable[None]]:
    """The broker's handler: the hub delivers to this node's sockets, then the staff's
    live views of a room learn that it changed (actions/room_watch.py)."""

    async def deliver(envelope: Envelope) -> None:
        await svc.hub.deliver(envelope)
        room_watch.observe(svc, envelope)

    return deliver


async def notify_shutdown(svc: Services, after_ms: int = 1000) -> None:
    """Tell every local client to reconnect, then close their sockets (1012)."""
    frame = ReconnectEvent(after_ms).encode()
    conns = [c for group in svc.hub.conns.values() for c in group]
    for conn in conns:
        conn.push(frame)
        conn.close_soon(1012, "server restart")
    await asyncio.gather(*(c.flush(2.0) for c in conns), return_exceptions=True)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    logs.configure(json_logs=settings.json_logs, level=settings.log_level, secret=settings.secret)
    metrics_listener = metrics.start(settings.metrics_addr)
    _private_data(settings.data_dir)
    upgrade(settings)
    db = Database(settings.db_url)
    redis = redis_client(settings.redis_url) if settings.redis_url else None
    svc = _build_services(settings, db, redis)
    svc.rooms = await _load_rooms(db)
    maintenance.install(svc)
    caps.install(svc)
    images = media_runtime.install(svc)
    room_state.install(svc)
    await room_state.load(svc)
    await reload_terms(svc)
    transport = mail_transport(settings)
    if transport is not None:
        svc.extras[notice_mail.TRANSPORT] = transport
    app.state.services = svc
    await svc.broker.start(_delivery(svc))
    await maintenance.sync_cluster(svc)
    tasks = [
        asyncio.create_task(run_heartbeat(svc), name="heartbeat"),
        asyncio.create_task(maintenance.run_purge(svc), name="purge"),
        asyncio.create_task(maintenance.run_room_counts(svc), name="room-counts"),
        asyncio.create_task(maintenance.run_node_watch(svc), name="node-watch"),
        asyncio.create_task(media_runtime.run_hashlist_refresh(svc), name="hash-lists"),
        asyncio.create_task(notice_mail.run_mail_outbox(svc), name="notice-mail"),
        asyncio.create_task(sanction_ends.run_sanction_ends(svc), name="sanction-ends"),
    ]
    # Start-up objects (postal data, rule automaton, modules) live as long as the process:
    # out of the collector's sight, the pauses during large fan-outs get shorter.
    gc.collect()
    gc.freeze()
    svc.extras["ready"] = True
    if settings.admin_token and not settings.legacy_admin_token:
        log.warning(
            "PAPOTE_ADMIN_TOKEN is set but grants nothing: staff accounts replace it "
            "(PAPOTE_LEGACY_ADMIN_TOKEN=true keeps it, see docs/moderators.md)"
        )
    log.info(
        "papote ready",
        extra={"node": svc.node, "db": db.dialect, "broker": type(svc.broker).__name__},
    )
    try:
        yield
    finally:
        svc.extras["ready"] = False
        await notify_shutdown(svc)
        cancel_timers(svc)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await images.close()
        if svc.audit_batch is not None:
            await svc.audit_batch.drain()
        await svc.broker.publish(Envelope("nodes", control={"op": "node_down", "node": svc.node}))
        await svc.broker.close()
        if redis is not None:
            await redis.aclose()
        await db.close()
        metrics.stop(metrics_listener)


async def purge_once_standalone() -> int:
    """The retention purge outside a running server (``papote admin purge``)."""
    settings = load_settings()
    upgrade(settings)
    db = Database(settings.db_url)
    try:
        svc = _build_services(settings, db, None)
        return await maintenance.purge_once(svc)
    finally:
        await db.close()


def _staff_routes() -> list[Route]:
    base = "/api/v1/staff"
    return [
        Route(f"{base}/cases", staff_cases.list_cases, methods=["GET"]),
        Route(f"{base}/media/{{media_id}}", media.staff_fetch, methods=["GET"]),
        Route(f"{base}/cases/{{case_id}}", staff_cases.case_detail, methods=["GET"]),
        Route(f"{base}/cases/{{case_id}}/claim", staff_cases.claim, methods=["POST"]),
        Route(f"{base}/cases/{{case_id}}/notes", staff_cases.note, methods=["POST"]),
        Route(f"{base}/cases/{{case_id}}/actions", staff_cases.act, methods=["POST"]),
        Route(f"{base}/cases/{{case_id}}/evidence", staff_cases.evidence_package, methods=["POST"]),
        Route(f"{base}/sanctions/{{sanction_id}}/undo", staff_cases.undo, methods=["POST"]),
        Route(f"{base}/rooms/{{room_id}}/actions", staff_cases.room_action, methods=["POST"]),
        Route(f"{base}/rooms", staff_cases.list_rooms, methods=["GET"]),
        Route(f"{base}/rooms/{{room_id}}/live", staff_cases.watch_room, methods=["GET"]),
        Route(f"{base}/rooms/{{room_id}}/stream", staff_stream.watch_room_stream, methods=["GET"]),
        Route(f"{base}/appeals", staff_cases.list_appeals, methods=["GET"]),
        Route(f"{base}/appeals/{{appeal_id}}", staff_cases.decide_appeal, methods=["POST"]),
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    routes = [
        Route("/api/v1/session", http.create_session, methods=["POST"]),
        Route("/api/v1/challenge", http.entry_challenge, methods=["GET"]),
        Route("/api/v1/openapi.json", openapi.document, methods=["GET"]),
        Route("/api/v1/session", http.delete_session, methods=["DELETE"]),
        Route("/api/v1/postal/{code}", http.postal, methods=["GET"]),
        Route("/api/v1/rooms", http.list_rooms, methods=["GET"]),
        Route("/api/v1/age/nonce", age.age_nonce, methods=["POST"]),
        Route("/api/v1/age/verify", age.age_verify, methods=["POST"]),
        Route("/api/v1/media", media.upload, methods=["POST"]),
        Route("/api/v1/media/protect", media.protect, methods=["POST"]),
        Route("/api/v1/media/{media_id}", media.fetch, methods=["GET"]),
        Route("/api/v1/admin/terms", admin.terms_list, methods=["GET"]),
        Route("/api/v1/admin/terms", admin.terms_add, methods=["POST"]),
        Route("/api/v1/admin/terms/{term_id:int}", admin.terms_remove, methods=["DELETE"]),
        Route("/api/v1/staff/login", staff.login, methods=["POST"]),
        Route("/api/v1/staff/logout", staff.logout, methods=["POST"]),
        Route("/api/v1/staff/me", staff.me, methods=["GET"]),
        *_staff_routes(),
        Route("/api/v1/appeals", public.my_decision, methods=["GET"]),
        Route("/api/v1/appeals", public.appeal, methods=["POST"]),
        Route("/api/v1/notices", public.notice, methods=["POST"]),
        Route("/healthz", http.healthz, methods=["GET"]),
        WebSocketRoute("/api/v1/ws", gateway),
        *web.routes(dev=settings.env != "prod"),
        *console.routes(),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(ResponseHeaders, hsts=settings.hsts_header),
            Middleware(AbortHook),  # dropping a client that does not read
        ],
        exception_handlers={
            404: http.not_found,
            405: http.method_not_allowed,
            500: http.server_error,
        },
    )
    app.state.settings = settings
    return app
