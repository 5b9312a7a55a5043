"""Queries on images: rows, their variants, where they were sent, retention."""

from __future__ import annotations

from sqlalchemy import delete, exists, select, update

from papote.store.db import Database
from papote.store.models import Media, MediaBlob, Message


async def create(db: Database, media: Media, blobs: dict[str, bytes]) -> None:
    """The row and its variants in one transaction (a blocked image has no variant)."""
    async with db.session() as s:
        s.add(media)
        for variant, data in blobs.items():
            s.add(MediaBlob(media_id=media.id, variant=variant, data=data))
        await s.commit()


async def get(db: Database, media_id: str) -> Media | None:
    async with db.session() as s:
        return await s.get(Media, media_id)


async def blob(db: Database, media_id: str, variant: str) -> bytes | None:
    async with db.session() as s:
        row = await s.get(MediaBlob, (media_id, variant))
        return row.data if row is not None else None


async def sent_in(db: Database, media_id: str) -> list[Message]:
    """The delivered messages that carry this image (where it may be seen)."""
    async with db.session() as s:
        rows = await s.execute(
            select(Message).where(Message.media_id == media_id, Message.state == "delivered")
        )
        return list(rows.scalars())


async def keep_as_evidence(db: Database, media_id: str) -> None:
    async with db.session() as s:
        await s.execute(update(Media).where(Media.id == media_id).values(evidence=True))
        await s.commit()


async def purge_unreferenced(db: Database, cutoff_ts: int) -> int:
    """Images older than ``cutoff_ts`` that no message carries any more (their messages
    were purged, or they were never sent), unless kept as evidence."""
    referenced = exists().where(Message.media_id == Media.id)
    async with db.session() as s:
        ids = list(
            (
                await s.execute(
                    select(Media.id).where(
                        Media.created_at < cutoff_ts, ~Media.evidence, ~referenced
                    )
                )
            ).scalars()
        )
        if ids:
            await s.execute(delete(MediaBlob).where(MediaBlob.media_id.in_(ids)))
            await s.execute(delete(Media).where(Media.id.in_(ids)))
            await s.commit()
        return len(ids)
