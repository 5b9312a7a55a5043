"""The rows a transparency report counts (DSA Article 15), for one period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from papote.store.db import Database
from papote.store.models import Appeal, Case, Notice, Report, Sanction


@dataclass(frozen=True, slots=True)
class PeriodRows:
    cases: list[Case]
    reports: list[Report]
    notices: list[Notice]
    sanctions: list[Sanction]
    appeals: list[Appeal]
    case_opened: dict[str, int]  # case id -> opened_at, for the sanctions' delays


async def period(db: Database, since: int, until: int) -> PeriodRows:
    async with db.session() as s:

        async def rows(model: Any, column: Any) -> list[Any]:
            query = select(model).where(column >= since, column < until)
            return list((await s.execute(query)).scalars())

        sanctions = await rows(Sanction, Sanction.created_at)
        case_ids = {x.case_id for x in sanctions if x.case_id}
        opened = {}
        if case_ids:
            found = await s.execute(select(Case.id, Case.opened_at).where(Case.id.in_(case_ids)))
            opened = {row[0]: row[1] for row in found}
        return PeriodRows(
            cases=await rows(Case, Case.opened_at),
            reports=await rows(Report, Report.created_at),
            notices=await rows(Notice, Notice.created_at),
            sanctions=sanctions,
            appeals=await rows(Appeal, Appeal.created_at),
            case_opened=opened,
        )
