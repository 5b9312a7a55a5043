"""The ``papote`` command: serve, db, moderate, bench, age-attest, admin.

Each subcommand lives in the module that owns its subject; this file only routes
``papote NAME ...`` to ``module:function(argv)`` and imports that module lazily, so
that ``papote moderate`` does not pay for the web server's imports.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence

# name -> ("module:function", one-line help). The function takes the remaining argv
# and returns an exit status.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("papote.serve:main", "run the server (HTTP + WebSocket)"),
    "db": ("papote.store.migrate:main", "database migrations: `papote db upgrade`"),
    "moderate": ("papote.safety.moderate_cmd:main", "judge JSON Lines from stdin (see PROTOCOL)"),
    "moderation": (
        "papote.safety.training.command:main",
        "train the text model: `papote moderation train` (extra: train)",
    ),
    "bench": ("papote.bench:main", "benchmarks: `papote bench moderation|fanout|...`"),
    "age-attest": ("papote.safety.age_issuer:main", "development issuer of over-18 attestations"),
    "admin": ("papote.admin_cmd:main", "operator tasks: purge, moderators, terms"),
    "staff": ("papote.staff_cmd:staff_main", "staff accounts: `papote staff add NAME --role`"),
    "audit": ("papote.staff_cmd:audit_main", "audit log: `papote audit verify`"),
    "hashlist": ("papote.hashlist_cmd:main", "image hash lists: `papote hashlist import|list`"),
    "transparency": (
        "papote.transparency_cmd:main",
        "DSA transparency report: `papote transparency --since D --until D [--html F]`",
    ),
}


def _usage() -> str:
    lines = ["usage: papote COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<12} {help_}" for name, (_, help_) in COMMANDS.items()]
    return "\n".join(lines)


def _resolve(target: str) -> Callable[[Sequence[str]], int]:
    module_name, func_name = target.split(":")
    func: Callable[[Sequence[str]], int] = getattr(importlib.import_module(module_name), func_name)
    return func


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"papote: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    return _resolve(COMMANDS[name][0])(rest)


if __name__ == "__main__":
    sys.exit(main())
