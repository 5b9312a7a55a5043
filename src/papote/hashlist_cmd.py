"""``papote hashlist``: hash lists of known abusive images (docs/images.md).

- ``papote hashlist import NAME FILE [--label child_safety|ncii] [--source TEXT]``:
  a CSV of PDQ (64 hex) or MD5 (32 hex) hashes, with an optional label column.
- ``papote hashlist list``: the lists, their labels and how many hashes each holds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from papote.actions import hashlists
from papote.clock import now_ms
from papote.settings import load_settings
from papote.store.db import Database
from papote.store.migrate import upgrade


async def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings)
    db = Database(settings.db_url)
    try:
        if args.cmd == "list":
            for summary in await hashlists.lists(db):
                print(json.dumps(asdict(summary), ensure_ascii=False))
            return 0
        text = Path(args.file).read_text(encoding="utf-8-sig")
        source = args.source or Path(args.file).name
        result = await hashlists.do_import(
            db, args.name, text, label=args.label, source=source, now=now_ms()
        )
        print(json.dumps(asdict(result)))
        if result.skipped_lines:
            print(f"{len(result.skipped_lines)} line(s) skipped", file=sys.stderr)
        return 0
    finally:
        await db.close()


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote hashlist")
    sub = parser.add_subparsers(dest="cmd", required=True)
    imp = sub.add_parser("import", help="import a CSV of PDQ or MD5 hashes")
    imp.add_argument("name")
    imp.add_argument("file")
    imp.add_argument("--label", default="child_safety", choices=["child_safety", "ncii"])
    imp.add_argument("--source", default="")
    sub.add_parser("list", help="show the hash lists")
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_run(args))
    except (OSError, ValueError) as exc:
        print(f"papote hashlist: {exc}", file=sys.stderr)
        return 1
