"""``papote db upgrade|revision|current``: Alembic migrations, configured in code."""

from __future__ import annotations

import argparse
import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config

from papote.settings import Settings, load_settings

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", settings.db_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings) -> None:
    """Bring the schema to the newest revision (safe to call at every start)."""
    config = alembic_config(settings)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        command.upgrade(config, "head")
        return
    # Called from inside a running loop (the server's lifespan): env.py runs its own loop.
    errors: list[BaseException] = []

    def _target() -> None:
        try:
            command.upgrade(config, "head")
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=_target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote db")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("upgrade", help="apply every migration")
    sub.add_parser("current", help="show the current revision")
    rev = sub.add_parser("revision", help="autogenerate a new migration (developers)")
    rev.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)
    settings = load_settings()
    config = alembic_config(settings)
    if args.cmd == "upgrade":
        upgrade(settings)
    elif args.cmd == "current":
        command.current(config, verbose=True)
    else:
        command.revision(config, message=args.message, autogenerate=True)
    return 0
