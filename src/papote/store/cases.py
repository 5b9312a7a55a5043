"""Cases and their append-only log; reports join the open case on their subject.

Every write that a person or the system decides goes with its audit entry in the same
transaction (store/audit.py). See docs/moderators.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import case as sql_case
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from papote.store import audit
from papote.store.db import Database
from papote.store.models import (
    AuditLog,
    Case,
    CaseEvent,
    Message,
    Notice,
    Report,
    Sanction,
    User,
)


def new_id(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(9)


@dataclass(frozen=True, slots=True)
class Subject:
    kind: str  # message | user | media
    id: str
    user_id: str | None  # the person behind it


async def _open_on(s: AsyncSession, subject: Subject) -> Case | None:
    found = await s.execute(
        select(Case)
        .where(
            Case.subject_kind == subject.kind,
            Case.subject_id == subject.id,
            Case.state == "open",
        )
        .limit(1)
    )
    return found.scalar_one_or_none()


async def open_on(db: Database, subject: Subject) -> Case | None:
    async with db.session() as s:
        return await _open_on(s, subject)


async def add_report(
    db: Database,
    report: Report,
    subject: Subject,
    *,
    new_case: Callable[[], Case],
    rank: Callable[[Case], None],
    automated: bool,
    entry: AuditLog | None = None,
) -> Case:
    """Store the report and make it open, or join, the case on its subject."""
    async with db.session() as s:
        case = await _open_on(s, subject)
        if case is None:
            case = new_case()
            s.add(case)
        case.reports = (case.reports or 0) + 1
        case.score = (case.score or 0.0) + report.weight
        case.automated = bool(case.automated) or automated
        rank(case)
        case.version = (case.version or 0) + 1
        report.case_id = case.id
        s.add(report)
        s.add(
            CaseEvent(
                case_id=case.id,
                kind="reported",
                actor="system" if report.reporter_id is None else "reporter",
                data={
                    "report": report.id,
                    "reason": report.reason,
                    "comment": report.comment,
                    "weight": report.weight,
                },
                ts=report.created_at,
            )
        )
        if entry is not None:
            entry.target = f"case:{case.id}"
            await audit.append_in(s, entry)
        await s.commit()
    return case


@dataclass(frozen=True, slots=True)
class QueueCursor:
    """Where the next page of the queue starts: the last case of the page before.

    Open cases go in (severity, opened_at, id) order, closed ones in (closed_at, id)
    descending; the id makes the order total, so no case is skipped or seen twice.
    """

    key: int  # severity (open) or closed_at (closed)
    at: int  # opened_at (open); unused for closed
    id: str

    @classmethod
    def after_case(cls, case: Case) -> QueueCursor:
        if case.state == "open":
            return cls(case.severity, case.opened_at, case.id)
        return cls(case.closed_at or 0, 0, case.id)

    def encode(self) -> str:
        return f"{self.key}.{self.at}.{self.id}"

    @classmethod
    def decode(cls, text: str) -> QueueCursor | None:
        parts = text.split(".", 2)
        if len(parts) != 3 or not all(p.lstrip("-").isdigit() for p in parts[:2]):
            return None
        return cls(int(parts[0]), int(parts[1]), parts[2][:24])


async def queue(
    db: Database,
    *,
    state: str,
    hidden: Sequence[str] = (),
    limit: int = 100,
    after: QueueCursor | None = None,
) -> list[Case]:
    """One page of the queue (the worst first for open cases, the newest first for closed
    ones), after ``after``; served by ``ix_cases_queue`` / ``ix_cases_closed``."""
    query = select(Case).where(Case.state == state)
    if hidden:
        query = query.where(Case.category.not_in(list(hidden)))
    if state == "open":
        if after is not None:
            query = query.where(
                tuple_(Case.severity, Case.opened_at, Case.id)
                > tuple_(after.key, after.at, after.id)
            )
        query = query.order_by(Case.severity, Case.opened_at, Case.id)
    else:
        if after is not None:
            query = query.where(tuple_(Case.closed_at, Case.id) < tuple_(after.key, after.id))
        query = query.order_by(Case.closed_at.desc(), Case.id.desc())
    async with db.session() as s:
        return list((await s.execute(query.limit(limit))).scalars())


async def count_open(db: Database, hidden: Sequence[str] = ()) -> int:
    query = select(func.count()).select_from(Case).where(Case.state == "open")
    if hidden:
        query = query.where(Case.category.not_in(list(hidden)))
    async with db.session() as s:
        return int(await s.scalar(query) or 0)


async def get(db: Database, case_id: str) -> Case | None:
    async with db.session() as s:
        return await s.get(Case, case_id)


async def get_with_notices(db: Database, case_id: str) -> tuple[Case, int, int] | None:
    """The case, with how many public notices it holds and how many of them came from
    trusted flaggers, in one round trip (what a decision's transparency record needs)."""
    notices = select(func.count()).where(Notice.case_id == case_id).scalar_subquery()
    trusted = (
        select(func.count())
        .where(Notice.case_id == case_id, Notice.trusted_flagger.is_not(None))
        .scalar_subquery()
    )
    async with db.session() as s:
        row = (await s.execute(select(Case, notices, trusted).where(Case.id == case_id))).first()
        return (row[0], int(row[1]), int(row[2])) if row is not None else None


async def events(db: Database, case_id: str) -> list[CaseEvent]:
    async with db.session() as s:
        rows = await s.execute(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
        return list(rows.scalars())


async def reports_of(db: Database, case_id: str) -> list[Report]:
    async with db.session() as s:
        rows = await s.execute(
            select(Report).where(Report.case_id == case_id).order_by(Report.created_at)
        )
        return list(rows.scalars())


async def earlier_of_user(db: Database, user_id: str, *, exclude: str) -> list[Case]:
    async with db.session() as s:
        rows = await s.execute(
            select(Case)
            .where(Case.subject_user_id == user_id, Case.id != exclude)
            .order_by(Case.opened_at.desc())
            .limit(50)
        )
        return list(rows.scalars())


async def sanctions_of_user(db: Database, user_id: str) -> list[Sanction]:
    async with db.session() as s:
        rows = await s.execute(
            select(Sanction).where(Sanction.user_id == user_id).order_by(Sanction.created_at.desc())
        )
        return list(rows.scalars())


async def search_by_pseudo(db: Database, user_ids: Sequence[str], limit: int = 50) -> list[Case]:
    if not user_ids:
        return []
    async with db.session() as s:
        rows = await s.execute(
            select(Case)
            .where(Case.subject_user_id.in_(list(user_ids)))
            .order_by(Case.state.desc(), Case.severity, Case.opened_at)
            .limit(limit)
        )
        return list(rows.scalars())


async def append_event(
    db: Database, case_id: str, event: CaseEvent, entry: AuditLog, *, version: int | None = None
) -> Case | None:
    """Add a line to the case's log (and bump its version); None if the case moved on
    since ``version`` (another moderator acted first)."""
    async with db.session() as s:
        case = await s.get(Case, case_id)
        if case is None or (version is not None and case.version != version):
            return None
        event.case_id = case_id
        s.add(event)
        case.version += 1
        if event.kind == "claimed":
            case.claimed_by = event.actor
            case.claimed_at = event.ts
        elif event.kind == "unclaimed":
            case.claimed_by = None
            case.claimed_at = None
        await audit.append_in(s, entry)
        await s.commit()
        return case


async def record_decision(
    s: AsyncSession, case: Case, event: CaseEvent, *, close: bool, report_status: str
) -> None:
    """Inside a sanction's transaction: log the action, close the case, settle reports."""
    event.case_id = case.id
    s.add(event)
    case.version += 1
    if close and case.state == "open":
        case.state = "closed"
        case.closed_at = event.ts
        case.decided_by = event.actor
        await s.execute(
            update(Report)
            .where(Report.case_id == case.id, Report.reporter_id.is_not(None))
            .values(status=report_status)
        )


async def reporter_record(db: Database, reporter_id: str) -> tuple[int, int]:
    """(upheld, dismissed) among this reporter's decided reports."""
    upheld = func.sum(sql_case((Report.status == "upheld", 1), else_=0))
    dismissed = func.sum(sql_case((Report.status == "dismissed", 1), else_=0))
    async with db.session() as s:
        row = (
            await s.execute(select(upheld, dismissed).where(Report.reporter_id == reporter_id))
        ).one()
        return int(row[0] or 0), int(row[1] or 0)


async def reporters_of(db: Database, case_id: str) -> list[str]:
    async with db.session() as s:
        rows = await s.execute(
            select(Report.reporter_id)
            .where(Report.case_id == case_id, Report.reporter_id.is_not(None))
            .distinct()
        )
        return [str(r[0]) for r in rows]


async def between(db: Database, since: int, until: int) -> list[Case]:
    async with db.session() as s:
        rows = await s.execute(select(Case).where(Case.opened_at >= since, Case.opened_at < until))
        return list(rows.scalars())


async def users_by_pseudo_key(db: Database, key: str) -> list[str]:
    """Every session that used this pseudo (live or ended): search by pseudo."""
    async with db.session() as s:
        rows = await s.execute(select(User.id).where(User.pseudo_key == key).limit(100))
        return [r[0] for r in rows]


async def open_of_user(db: Database, user_id: str, *, exclude: str) -> list[Case]:
    """The person's other open cases (a decision on all of them at once)."""
    async with db.session() as s:
        rows = await s.execute(
            select(Case)
            .where(Case.subject_user_id == user_id, Case.state == "open", Case.id != exclude)
            .order_by(Case.severity, Case.opened_at)
            .limit(500)
        )
        return list(rows.scalars())


async def close_alike(
    db: Database,
    decided: Sequence[tuple[str, CaseEvent]],
    *,
    report_status: str,
    entry: AuditLog,
    message_states: dict[str, str] | None = None,
) -> list[str]:
    """Close these open cases with the decision already taken on another one (one
    transaction, one audit entry), and set their messages' states (``removed``, or
    ``delivered`` for a held one found fine). Returns the ids of the cases closed (one
    decided meanwhile is left alone)."""
    closed: list[str] = []
    async with db.session() as s:
        for case_id, event in decided:
            case = await s.get(Case, case_id)
            if case is None or case.state != "open":
                continue
            await record_decision(s, case, event, close=True, report_status=report_status)
            closed.append(case_id)
        for message_id, state in (message_states or {}).items():
            await s.execute(update(Message).where(Message.id == message_id).values(state=state))
        entry.detail = {**entry.detail, "cases": closed}
        await audit.append_in(s, entry)
        await s.commit()
    return closed


async def categories_about_media(db: Database, media_id: str) -> set[str]:
    """The categories of the cases, open or closed, about an image or a message that
    carries it: which moderators may see it as evidence."""
    carriers = select(Message.id).where(Message.media_id == media_id)
    about = ((Case.subject_kind == "media") & (Case.subject_id == media_id)) | (
        (Case.subject_kind == "message") & Case.subject_id.in_(carriers)
    )
    async with db.session() as s:
        return set((await s.execute(select(Case.category).where(about).distinct())).scalars())
