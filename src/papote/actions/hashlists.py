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


@dataclass(frozen=True, slots=True)
class ImportResult:
    read: int  # valid hashes in the file
    added: int  # new to the list
    skipped_lines: list[int]  # lines without a valid hash or with an unknown label


async def do_import(
    db: Database, name: str, text: str, *, label: str, source: str, now: int
) -> ImportResult:
    if not name or len(name) > 60:
        raise ValueError("a list name has 1 to 60 characters")
    parsed = parse_csv(text, name, label)
    await hashlists.ensure_list(db, name, label, source, now)
    rows = [(e.kind, e.value, e.label) for e in parsed.entries]
    added = await hashlists.add_entries(db, name, rows, now)
    return ImportResult(len(rows), added, parsed.skipped)


async def lists(db: Database) -> list[ListSummary]:
    return await hashlists.summaries(db)
