"""``papote admin``: operator tasks.

- ``papote admin purge``: apply the retention rules once (messages, age-gate locks).
- ``papote admin terms list|add|remove``: run-time moderation terms, through the
  admin API of a running node (so that every node applies the change at once), with a
  staff token (``PAPOTE_STAFF_TOKEN``, from ``POST /api/v1/staff/login``) or, where the
  operator kept it on (``PAPOTE_LEGACY_ADMIN_TOKEN=true``), ``PAPOTE_ADMIN_TOKEN``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence

import httpx


def _purge() -> int:
    from papote.app import purge_once_standalone

    removed = asyncio.run(purge_once_standalone())
    print(json.dumps({"messages_removed": removed}))
    return 0


def _terms(args: argparse.Namespace) -> int:
    token = os.environ.get("PAPOTE_STAFF_TOKEN") or os.environ.get("PAPOTE_ADMIN_TOKEN")
    if not token:
        print("papote admin terms: set PAPOTE_STAFF_TOKEN (a staff login)", file=sys.stderr)
        return 2
    headers = {"authorization": f"Bearer {token}"}
    base = args.url.rstrip("/") + "/api/v1/admin/terms"
    if args.action == "list":
        response = httpx.get(base, headers=headers)
    elif args.action == "add":
        body = {"term": args.term, "category": args.category, "action": args.verdict}
        response = httpx.post(base, headers=headers, json=body)
    else:
        response = httpx.delete(f"{base}/{args.id}", headers=headers)
    print(response.text or response.status_code)
    return 0 if response.is_success else 1


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote admin")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("purge", help="apply the retention rules once")
    terms = sub.add_parser("terms", help="run-time moderation terms")
    terms.add_argument("--url", default="http://127.0.0.1:8000")
    tsub = terms.add_subparsers(dest="action", required=True)
    tsub.add_parser("list")
    add = tsub.add_parser("add")
    add.add_argument("term")
    add.add_argument("--category", required=True)
    add.add_argument("--verdict", default="block", choices=["warn", "hold", "block", "escalate"])
    remove = tsub.add_parser("remove")
    remove.add_argument("id", type=int)
    args = parser.parse_args(argv)
    return _purge() if args.cmd == "purge" else _terms(args)
