"""The e-mails waiting to be sent (``mail_outbox``): queued with what they tell, leased
to one sender at a time, deleted once the mail server took them or once given up."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from papote.store.db import Database
from papote.store.models import MailOut, Notice


async def lease_due(db: Database, *, now: int, lease_ms: int, limit: int = 20) -> list[MailOut]:
    """Mails due now that no sender holds, each leased for ``lease_ms`` (a row another
    node leased first is left to it)."""
    async with db.session() as s:
        rows = await s.execute(
            select(MailOut)
            .where(MailOut.next_try_at <= now, MailOut.leased_until <= now)
            .order_by(MailOut.next_try_at)
            .limit(limit)
        )
        leased = []
        for mail in rows.scalars():
            took = await s.execute(
                update(MailOut)
                .where(MailOut.id == mail.id, MailOut.leased_until == mail.leased_until)
                .values(leased_until=now + lease_ms)
            )
            if took.rowcount == 1:  # type: ignore[attr-defined]
                leased.append(mail)
        await s.commit()
        return leased


async def lease(db: Database, mail_id: int, *, now: int, lease_ms: int) -> MailOut | None:
    """One queued mail, leased for its first try (None if another sender holds it)."""
    async with db.session() as s:
        took = await s.execute(
            update(MailOut)
            .where(MailOut.id == mail_id, MailOut.leased_until <= now)
            .values(leased_until=now + lease_ms)
        )
        mail = await s.get(MailOut, mail_id) if took.rowcount == 1 else None  # type: ignore[attr-defined]
        await s.commit()
        return mail


async def sent(db: Database, mail: MailOut, *, now: int) -> None:
    """The mail server took it: gone from the outbox; a decision is marked on its notice."""
    async with db.session() as s:
        await s.execute(delete(MailOut).where(MailOut.id == mail.id))
        if mail.kind == "decision" and mail.notice_id:
            await s.execute(
                update(Notice)
                .where(Notice.id == mail.notice_id)
                .values(emailed_at=now, email_attempts=Notice.email_attempts + 1)
            )
        await s.commit()


async def failed(db: Database, mail: MailOut, *, next_try_at: int | None) -> None:
    """One more failed try: due again at ``next_try_at``, or given up (None)."""
    async with db.session() as s:
        if next_try_at is None:
            await s.execute(delete(MailOut).where(MailOut.id == mail.id))
        else:
            await s.execute(
                update(MailOut)
                .where(MailOut.id == mail.id)
                .values(attempts=MailOut.attempts + 1, next_try_at=next_try_at, leased_until=0)
            )
        if mail.kind == "decision" and mail.notice_id:
            await s.execute(
                update(Notice)
                .where(Notice.id == mail.notice_id)
                .values(email_attempts=Notice.email_attempts + 1)
            )
        await s.commit()
