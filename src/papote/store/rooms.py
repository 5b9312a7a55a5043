"""Queries on rooms and their members."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from papote.store.db import Database
from papote.store.models import Room, RoomMember


async def seed(db: Database, rooms: Iterable[Mapping[str, object]]) -> int:
    """Create the rooms that do not exist yet; existing ones are left as operators set them."""
    created = 0
    async with db.session() as s:
        existing = set((await s.execute(select(Room.id))).scalars())
        for position, spec in enumerate(rooms):
            if spec["id"] in existing:
                continue
            s.add(
                Room(
                    id=str(spec["id"]),
                    name=str(spec["name"]),
                    topic=str(spec.get("topic") or ""),
                    kind=str(spec["kind"]),
                    region=str(spec["region"]) if spec.get("region") else None,
                    adult=bool(spec.get("adult", False)),
                    closed_to_minors=bool(spec.get("closed_to_minors", spec.get("adult", False))),
                    position=position,
                )
            )
            created += 1
        try:
            await s.commit()
        except IntegrityError:  # another node seeded at the same moment
            await s.rollback()
            return 0
    return created


async def all_rooms(db: Database) -> list[Room]:
    async with db.session() as s:
        return list((await s.execute(select(Room).order_by(Room.position))).scalars())


async def add_member(db: Database, room_id: str, user_id: str, *, now: int) -> None:
    """Durable before it returns, in one transaction with the joins of the same moment
    (group commit, batch.py); joining twice is not an error."""

    async def commit(batch: Sequence[RoomMember]) -> None:
        wanted = {(m.room_id, m.user_id): m for m in batch}
        async with db.session() as s:
            users = {m.user_id for m in batch}
            rows = await s.execute(
                select(RoomMember.room_id, RoomMember.user_id).where(RoomMember.user_id.in_(users))
            )
            for room, user in rows:
                wanted.pop((room, user), None)
            if not wanted:
                return
            s.add_all(wanted.values())
            try:
                await s.commit()
            except IntegrityError:
                await s.rollback()
                if len(batch) > 1:
                    raise  # retried one by one (batch.py): the others are stored

    await db.group_commit("room_members", commit).add(
        RoomMember(room_id=room_id, user_id=user_id, joined_at=now)
    )


async def remove_member(db: Database, room_id: str, user_id: str) -> None:
    async with db.session() as s:
        await s.execute(
            delete(RoomMember).where(RoomMember.room_id == room_id, RoomMember.user_id == user_id)
        )
        await s.commit()


async def remove_all_memberships(db: Database, user_id: str) -> None:
    async with db.session() as s:
        await s.execute(delete(RoomMember).where(RoomMember.user_id == user_id))
        await s.commit()


async def memberships(db: Database) -> list[tuple[str, str]]:
    """Every (room_id, user_id): seeds a starting node's membership map."""
    async with db.session() as s:
        rows = await s.execute(select(RoomMember.room_id, RoomMember.user_id))
        return [(r[0], r[1]) for r in rows]


async def clear_memberships(db: Database) -> None:
    """Forget every membership (a single node starting: nobody is connected yet)."""
    async with db.session() as s:
        await s.execute(delete(RoomMember))
        await s.commit()
