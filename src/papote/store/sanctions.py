"""Sanctions and what they write: the person's status, entry bans on their session and
browser, entry signals on their address prefix and device, room states; and undo."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select, true, update

from papote.store import audit
from papote.store.cases import record_decision
from papote.store.db import Database
from papote.store.keyed import first_in_force
from papote.store.models import (
    AuditLog,
    Ban,
    Case,
    CaseEvent,
    EntrySignal,
    Message,
    RoomState,
    Sanction,
    SessionBrowser,
    User,
)


@dataclass(slots=True)
class SanctionWrite:
    """Everything one decision writes, in one transaction."""

    sanction: Sanction
    entry: AuditLog
    event: CaseEvent | None = None
    close_case: bool = True
    report_status: str = "upheld"
    user_status: str | None = None  # active | suspended | banned
    message_state: str | None = None  # removed | delivered
    bans: list[Ban] = field(default_factory=list)
    signals: list[EntrySignal] = field(default_factory=list)
    room_state: RoomState | None = None


async def apply(
    db: Database,
    write: SanctionWrite,
    flushed: Callable[[], Awaitable[None]] | None = None,
) -> Case | None:
    """Write the decision in one transaction. With ``flushed``: once every row is
    flushed (constraints checked, audit chain extended), the commit is started and
    ``flushed`` runs while it is under way (the durable fsync is then not in front of
    the caller's work); the commit is awaited in any case and its failure raised.
    ``flushed`` must not use the database: this session holds SQLite's one connection
    until the commit is done."""
    sanction = write.sanction
    async with db.session() as s:
        case = await s.get(Case, sanction.case_id) if sanction.case_id else None
        s.add(sanction)
        if case is not None and write.event is not None:
            await record_decision(
                s, case, write.event, close=write.close_case, report_status=write.report_status
            )
        if write.user_status is not None and sanction.user_id:
            await s.execute(
                update(User).where(User.id == sanction.user_id).values(status=write.user_status)
            )
        if write.message_state is not None and sanction.message_id:
            await s.execute(
                update(Message)
                .where(Message.id == sanction.message_id)
                .values(state=write.message_state)
            )
        for ban in write.bans:
            await s.merge(ban)
        for signal in write.signals:
            await s.merge(signal)
        if write.room_state is not None:
            await s.merge(write.room_state)
        await audit.append_in(s, write.entry)  # flushes
        if flushed is None:
            await s.commit()
            return case
        commit = asyncio.ensure_future(s.commit())
        try:
            await flushed()
        finally:
            await commit
    return case


async def get(db: Database, sanction_id: str) -> Sanction | None:
    async with db.session() as s:
        return await s.get(Sanction, sanction_id)


async def of_case(db: Database, case_id: str) -> list[Sanction]:
    async with db.session() as s:
        rows = await s.execute(
            select(Sanction).where(Sanction.case_id == case_id).order_by(Sanction.created_at)
        )
        return list(rows.scalars())


@dataclass(slots=True)
class UndoWrite:
    sanction_id: str
    by: str
    now: int
    entry: AuditLog
    event: CaseEvent | None = None
    user_status: str | None = None
    message_state: str | None = None
    ban_keys: list[str] = field(default_factory=list)
    room_id: str | None = None


async def revoke(db: Database, undo: UndoWrite) -> Sanction | None:
    """Mark the sanction revoked and reverse what it wrote; None if already revoked."""
    async with db.session() as s:
        sanction = await s.get(Sanction, undo.sanction_id)
        if sanction is None or sanction.revoked_at is not None:
            return None
        sanction.revoked_at = undo.now
        sanction.revoked_by = undo.by
        if undo.event is not None and sanction.case_id:
            undo.event.case_id = sanction.case_id
            s.add(undo.event)
        if undo.user_status is not None and sanction.user_id:
            await s.execute(
                update(User).where(User.id == sanction.user_id).values(status=undo.user_status)
            )
        if undo.message_state is not None and sanction.message_id:
            await s.execute(
                update(Message)
                .where(Message.id == sanction.message_id)
                .values(state=undo.message_state)
            )
        if undo.ban_keys:
            await s.execute(delete(Ban).where(Ban.key.in_(undo.ban_keys)))
        if undo.room_id is not None:
            await s.execute(
                delete(RoomState).where(
                    RoomState.room_id == undo.room_id, RoomState.sanction_id == sanction.id
                )
            )
        await audit.append_in(s, undo.entry)
        await s.commit()
        return sanction


async def active_of_user(db: Database, user_id: str, now: int) -> list[Sanction]:
    """The sanctions in force on a session; a moment's questions (the hellos and joins of
    a reconnect storm) go to the database in one query (batch.py)."""

    async def run(asked: Sequence[tuple[str, int]]) -> list[list[Sanction]]:
        async with db.session() as s:
            rows = await s.execute(
                select(Sanction).where(
                    Sanction.user_id.in_({uid for uid, _ in asked}),
                    Sanction.revoked_at.is_(None),
                    or_(Sanction.until.is_(None), Sanction.until > min(t for _, t in asked)),
                )
            )
            found = list(rows.scalars())
        return [
            [x for x in found if x.user_id == uid and (x.until is None or x.until > t)]
            for uid, t in asked
        ]

    return await db.grouped("sanctions_active", run).add((user_id, now))


ENDING = ("mute", "ban", "suspend")  # the temporary sanctions whose end is told


async def ended_due(
    db: Database, now: int, *, user_ids: Sequence[str] | None = None, limit: int = 200
) -> list[Sanction]:
    """Temporary sanctions that ran out (not undone) and whose end was not told yet."""
    mine = Sanction.user_id.in_(list(user_ids)) if user_ids is not None else true()
    async with db.session() as s:
        rows = await s.execute(
            select(Sanction)
            .where(
                mine,
                Sanction.until.is_not(None),
                Sanction.until <= now,
                Sanction.ended_at.is_(None),
                Sanction.revoked_at.is_(None),
                Sanction.action.in_(ENDING),
            )
            .order_by(Sanction.until)
            .limit(limit)
        )
        return list(rows.scalars())


async def claim_end(db: Database, sanction: Sanction, now: int, *, reactivate: bool) -> bool:
    """Mark the end told; True for the one node that marked it. With ``reactivate`` the
    session becomes active again (a ban or suspension over, none other running)."""
    async with db.session() as s:
        done = await s.execute(
            update(Sanction)
            .where(Sanction.id == sanction.id, Sanction.ended_at.is_(None))
            .values(ended_at=now)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            await s.rollback()
            return False
        if reactivate and sanction.user_id:
            await s.execute(
                update(User)
                .where(User.id == sanction.user_id, User.status.in_(["banned", "suspended"]))
                .values(status="active")
            )
        await s.commit()
        return True


async def latest_of_users(db: Database, user_ids: Sequence[str]) -> Sanction | None:
    """The latest sanction on any of these sessions that a person may contest."""
    if not user_ids:
        return None
    async with db.session() as s:
        rows = await s.execute(
            select(Sanction)
            .where(
                Sanction.user_id.in_(list(user_ids)),
                Sanction.action.in_(["warn", "delete", "mute", "kick", "ban", "suspend"]),
            )
            .order_by(Sanction.created_at.desc())
            .limit(1)
        )
        return rows.scalar_one_or_none()


# -- browsers, bans and entry signals ------------------------------------------------


async def remember_browser(db: Database, row: SessionBrowser) -> None:
    """Durable before it returns, with the entries of the same moment (batch.py)."""

    async def commit(batch: Sequence[SessionBrowser]) -> None:
        rows = {one.user_id: one for one in batch}  # the last of a session wins
        async with db.session() as s:
            query = select(SessionBrowser).where(SessionBrowser.user_id.in_(rows))
            for known in (await s.execute(query)).scalars():  # one query, not one per row
                new = rows.pop(known.user_id)
                known.browser_key, known.device_key = new.browser_key, new.device_key
                known.prefix_key, known.created_at = new.prefix_key, new.created_at
            s.add_all(rows.values())
            await s.commit()

    await db.group_commit("session_browsers", commit).add(row)


async def browser_of(db: Database, user_id: str) -> SessionBrowser | None:
    async with db.session() as s:
        return await s.get(SessionBrowser, user_id)


async def users_of_browser(db: Database, browser_key: str) -> list[str]:
    async with db.session() as s:
        rows = await s.execute(
            select(SessionBrowser.user_id).where(SessionBrowser.browser_key == browser_key)
        )
        return [r[0] for r in rows]


async def signal_active(db: Database, keys: Sequence[str], now: int) -> bool:
    return await first_in_force(db, EntrySignal, keys, now) is not None


async def purge_browsers(db: Database, before: int, now: int) -> None:
    async with db.session() as s:
        await s.execute(delete(SessionBrowser).where(SessionBrowser.created_at < before))
        await s.execute(delete(EntrySignal).where(EntrySignal.until < now))
        await s.commit()


# -- rooms ---------------------------------------------------------------------------


async def room_states(db: Database) -> list[RoomState]:
    async with db.session() as s:
        return list((await s.execute(select(RoomState))).scalars())


async def set_room_state(db: Database, state: RoomState) -> None:
    async with db.session() as s:
        await s.merge(state)
        await s.commit()


async def user_by_token_hash(db: Database, token_hash: str) -> str | None:
    """The session of a token, even ended or banned (to contest a decision)."""
    async with db.session() as s:
        return await s.scalar(select(User.id).where(User.token_hash == token_hash))
