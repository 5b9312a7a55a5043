"""Public notices (DSA Article 16), appeals (Article 20) and the outbox of frames for
people who are not connected."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import delete, select, update

from papote.store import audit
from papote.store.db import Database
from papote.store.models import Appeal, AuditLog, CaseEvent, MailOut, Notice, Outbox


async def add_notice(db: Database, notice: Notice, mail: MailOut | None = None) -> int | None:
    """Store a notice, with the e-mail acknowledging it if any (its outbox id)."""
    async with db.session() as s:
        s.add(notice)
        if mail is not None:
            s.add(mail)
            await s.flush()
        await s.commit()
        return mail.id if mail is not None else None


async def notices_of_case(db: Database, case_id: str) -> list[Notice]:
    async with db.session() as s:
        rows = await s.execute(select(Notice).where(Notice.case_id == case_id))
        return list(rows.scalars())


async def decide_notices(
    db: Database,
    case_id: str,
    decision: str,
    now: int,
    mail_for: Callable[[Notice], MailOut | None] = lambda _: None,
) -> list[int]:
    """Write the decision on the case's notices, with the e-mails telling their authors
    (``mail_for``), in one transaction; the outbox ids of those e-mails."""
    async with db.session() as s:
        rows = list(
            (
                await s.execute(
                    select(Notice).where(Notice.case_id == case_id, Notice.decided_at.is_(None))
                )
            ).scalars()
        )
        mails = []
        for notice in rows:
            notice.decision = decision
            notice.decided_at = now
            mail = mail_for(notice)
            if mail is not None:
                s.add(mail)
                mails.append(mail)
        await s.flush()
        await s.commit()
        return [m.id for m in mails]


async def get_notice(db: Database, notice_id: str) -> Notice | None:
    async with db.session() as s:
        return await s.get(Notice, notice_id)


async def add_appeal(db: Database, appeal: Appeal, event: CaseEvent, entry: AuditLog) -> None:
    async with db.session() as s:
        s.add(appeal)
        if appeal.case_id:
            event.case_id = appeal.case_id
            s.add(event)
        await audit.append_in(s, entry)
        await s.commit()


async def appeal_of_sanction(db: Database, sanction_id: str) -> Appeal | None:
    async with db.session() as s:
        rows = await s.execute(select(Appeal).where(Appeal.sanction_id == sanction_id).limit(1))
        return rows.scalar_one_or_none()


async def get_appeal(db: Database, appeal_id: str) -> Appeal | None:
    async with db.session() as s:
        return await s.get(Appeal, appeal_id)


async def open_appeals(db: Database) -> list[Appeal]:
    async with db.session() as s:
        rows = await s.execute(
            select(Appeal).where(Appeal.state == "open").order_by(Appeal.created_at)
        )
        return list(rows.scalars())


async def appeals_of_case(db: Database, case_id: str) -> list[Appeal]:
    async with db.session() as s:
        rows = await s.execute(select(Appeal).where(Appeal.case_id == case_id))
        return list(rows.scalars())


async def decide_appeal(
    db: Database, appeal: Appeal, event: CaseEvent | None, entry: AuditLog
) -> bool:
    """Store the decision unless someone decided first."""
    async with db.session() as s:
        current = await s.get(Appeal, appeal.id)
        if current is None or current.state != "open":
            return False
        current.state = appeal.state
        current.decided_by = appeal.decided_by
        current.decided_at = appeal.decided_at
        current.answer = appeal.answer
        if event is not None and appeal.case_id:
            event.case_id = appeal.case_id
            s.add(event)
        await audit.append_in(s, entry)
        await s.commit()
        return True


async def push_outbox(db: Database, user_id: str, frame: str, now: int) -> None:
    async with db.session() as s:
        s.add(Outbox(user_id=user_id, frame=frame, created_at=now))
        await s.commit()


async def move_outbox(db: Database, from_ids: Sequence[str], to_id: str) -> int:
    """Give the frames kept for earlier sessions to a new one (the same browser)."""
    if not from_ids:
        return 0
    async with db.session() as s:
        done = await s.execute(
            update(Outbox).where(Outbox.user_id.in_(list(from_ids))).values(user_id=to_id)
        )
        await s.commit()
        return int(done.rowcount or 0)  # type: ignore[attr-defined]


async def pop_outbox(db: Database, user_id: str) -> list[str]:
    """Take what waits for a person (read and deleted in one transaction). A moment's
    hellos take theirs in one query (batch.py); two sockets of one person in the same
    batch: the first gets the frames, once."""

    async def run(user_ids: Sequence[str]) -> list[list[str]]:
        frames: dict[str, list[str]] = {u: [] for u in user_ids}
        async with db.session() as s:
            query = select(Outbox).where(Outbox.user_id.in_(frames)).order_by(Outbox.id)
            rows = list((await s.execute(query)).scalars())
            if rows:
                await s.execute(delete(Outbox).where(Outbox.id.in_([r.id for r in rows])))
                await s.commit()
        for row in rows:
            frames[row.user_id].append(row.frame)
        return [frames.pop(u, []) for u in user_ids]

    return await db.grouped("outbox_pop", run).add(user_id)
