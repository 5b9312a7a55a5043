"""``papote transparency --since DATE --until DATE [--html FILE] [--statements FILE]``:
the DSA Article 15 report of a period, as JSON on standard output and, optionally, a
readable HTML page; ``--statements`` also writes the period's statements of reasons as
batches for the EU transparency database (Article 24(5)), one JSON body a line. Dates
are ISO days (UTC), ``--until`` excluded."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from papote.moderation import transparency
from papote.settings import load_settings
from papote.store.db import Database
from papote.store.migrate import upgrade
from papote.store.transparency import period


def _ms(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


async def statements(db: Database, since: str, until: str) -> list[dict[str, Any]]:
    rows = await period(db, _ms(since), _ms(until))
    return transparency.sor_batches([dict(s.sor) for s in rows.sanctions if s.sor])


async def build(db: Database, since: str, until: str) -> dict[str, Any]:
    rows = await period(db, _ms(since), _ms(until))
    decisions = [
        transparency.DecisionRecord(
            s.action,
            s.category,
            s.automated,
            s.created_at - rows.case_opened[s.case_id] if s.case_id in rows.case_opened else None,
            s.revoked_at is not None,
        )
        for s in rows.sanctions
    ]
    appeals = [
        transparency.AppealRecord(a.state, a.decided_at - a.created_at if a.decided_at else None)
        for a in rows.appeals
    ]
    return transparency.report(
        since=since,
        until=until,
        notices=[(n.category, n.trusted_flagger is not None) for n in rows.notices],
        user_reports=[r.reason for r in rows.reports if r.reporter_id is not None],
        decisions=decisions,
        appeals=appeals,
    )


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote transparency")
    parser.add_argument("--since", required=True, help="first day (YYYY-MM-DD, UTC)")
    parser.add_argument("--until", required=True, help="day after the last (YYYY-MM-DD)")
    parser.add_argument("--html", type=Path, help="also write the readable page here")
    parser.add_argument(
        "--statements", type=Path, help="also write the EU statements-of-reasons batches here"
    )
    args = parser.parse_args(argv)
    try:
        _ms(args.since), _ms(args.until)
    except ValueError:
        print("papote transparency: dates are YYYY-MM-DD", file=sys.stderr)
        return 2
    settings = load_settings()
    upgrade(settings)

    async def run() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        db = Database(settings.db_url)
        try:
            report = await build(db, args.since, args.until)
            batches = await statements(db, args.since, args.until) if args.statements else []
            return report, batches
        finally:
            await db.close()

    data, batches = asyncio.run(run())
    if args.statements:
        lines = [json.dumps(batch, ensure_ascii=False) for batch in batches]
        args.statements.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    print(json.dumps(data, ensure_ascii=False, indent=2))
    if args.html:
        args.html.write_text(transparency.to_html(data), encoding="utf-8")
    return 0
