"""``papote staff`` (accounts) and ``papote audit`` (the hash-chained log).

- ``papote staff add NAME --role moderator|admin [--queue child_safety]``: the password
  is read from standard input (first line); for an admin, prints the TOTP secret as an
  ``otpauth://`` URI to put in an authenticator app.
- ``papote staff list``, ``papote staff disable NAME``, ``papote staff enable NAME``.
- ``papote audit verify``: checks the audit log's hash chain; exit 1 when broken.

They work on the database of the settings (``PAPOTE_DATABASE_URL`` / ``PAPOTE_DATA_DIR``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from papote.actions import staff
from papote.actions.errors import ActionError
from papote.clock import now_ms
from papote.settings import load_settings
from papote.store import audit
from papote.store import staff as staff_store
from papote.store.db import Database
from papote.store.migrate import upgrade

T = TypeVar("T")


def _with_db(work: Callable[[Database], Awaitable[T]]) -> T:
    settings = load_settings()
    upgrade(settings)

    async def run() -> T:
        db = Database(settings.db_url)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(run())


def _add(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\r\n")
    uri = _with_db(
        lambda db: staff.do_add_account(
            db, args.name, args.role, password, queues=tuple(args.queue), now=now_ms()
        )
    )
    print(json.dumps({"name": args.name, "role": args.role, "queues": args.queue}))
    if uri:
        print(uri)
    return 0


def _list(_args: argparse.Namespace) -> int:
    accounts = _with_db(staff_store.all_accounts)
    for a in accounts:
        print(
            json.dumps(
                {
                    "name": a.name,
                    "role": a.role,
                    "queues": a.queues,
                    "disabled": a.disabled,
                    "totp": a.totp_secret is not None,
                }
            )
        )
    return 0


def _toggle(args: argparse.Namespace) -> int:
    disabled = args.cmd == "disable"
    _with_db(lambda db: staff.do_set_disabled(db, args.name, disabled, now=now_ms()))
    return 0


def staff_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote staff")
    sub = parser.add_subparsers(dest="cmd", required=True)
    add = sub.add_parser("add", help="create an account (password on stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=staff.ROLES)
    add.add_argument(
        "--queue",
        action="append",
        default=[],
        choices=staff.RESTRICTED_QUEUES,
        help="a restricted queue this person may see (repeatable)",
    )
    sub.add_parser("list", help="list the accounts")
    for name in ("disable", "enable"):
        sub.add_parser(name, help=f"{name} an account").add_argument("name")
    args = parser.parse_args(argv)
    handlers = {"add": _add, "list": _list, "disable": _toggle, "enable": _toggle}
    try:
        return handlers[args.cmd](args)
    except ActionError as exc:
        print(f"papote staff: {exc.message}", file=sys.stderr)
        return 2


def audit_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote audit")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("verify", help="check the hash chain of the audit log")
    parser.parse_args(argv)
    report = _with_db(audit.verify)
    print(json.dumps(report.to_json()))
    return 0 if report.ok else 1
