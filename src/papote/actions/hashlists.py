"""Hash lists from hash-sharing programmes: import a CSV, list what is loaded.

Imports are written to the database; running nodes pick new entries up within
``hashlist_refresh_s`` (docs/images.md). Used by ``papote hashlist``.
"""

from __future__ import annotations

from dataclasses import dataclass

from papote.safety.media.lists import parse_csv
from papote.store import hashlists
from papote.store.db import Database
from papote.store.hashlists import ListSummary
from papote.store.models import AuditLog


@dataclass(frozen=True, slots=True)
class ImportResult:
    read: int  # valid hashes in the file
    added: int  # new to the list
    skipped_lines: list[int]  # lines without a valid hash or with an unknown label


async def do_import(
    db: Database,
    name: str,
    text: str,
    *,
    label: str,
    source: str,
    now: int,
    actor: str = "operator",
) -> ImportResult:
    """Add a CSV's hashes to list ``name``; the import is written to the audit log
    (``hashlist.import``: list, label, source, counts) with the entries it added."""
    if not name or len(name) > 60:
        raise ValueError("a list name has 1 to 60 characters")
    parsed = parse_csv(text, name, label)
    await hashlists.ensure_list(db, name, label, source, now)
    rows = [(e.kind, e.value, e.label) for e in parsed.entries]
    entry = AuditLog(
        actor=actor,
        action="hashlist.import",
        target=f"hashlist:{name}",
        detail={
            "label": label,
            "source": source[:200],
            "read": len(rows),
            "skipped_lines": len(parsed.skipped),
        },
        ts=now,
    )
    added = await hashlists.add_entries(db, name, rows, now, entry)
    return ImportResult(len(rows), added, parsed.skipped)


async def lists(db: Database) -> list[ListSummary]:
    return await hashlists.summaries(db)
