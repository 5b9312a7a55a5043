"""``papote serve``: uvicorn with uvloop and httptools, graceful shutdown that tells
clients to reconnect before their sockets close. With ``PAPOTE_WS_STACK=picows`` the
WebSocket upgrades of the same port go to picows instead (api/stack_switch.py)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

import uvicorn
from pydantic import ValidationError

from papote.api.http_protocol import BoundedHttpToolsProtocol
from papote.api.stack_switch import StackSwitch
from papote.api.ws_picows import PicowsFront
from papote.app import create_app, notify_shutdown
from papote.settings import load_settings

WS_MAX_SIZE = 1024 * 1024  # one WebSocket message, whichever stack (then 1009)


class _Server(uvicorn.Server):
    picows: PicowsFront | None = None

    async def shutdown(self, sockets: Any = None) -> None:
        app = self.config.loaded_app
        svc = getattr(getattr(app, "state", None), "services", None)
        if svc is None:  # uvicorn wraps the app in middleware; find ours
            inner = getattr(app, "app", None)
            svc = getattr(getattr(inner, "state", None), "services", None)
        if svc is not None:
            await notify_shutdown(svc)
        if self.picows is not None:  # uvicorn knows nothing of picows's sockets
            await self.picows.shutdown()
        await super().shutdown(sockets)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="trust X-Forwarded-For from 127.0.0.1 (behind a reverse proxy)",
    )
    args = parser.parse_args(argv)
    os.umask(0o077)  # the database, its journal and the secret: readable by Papote only
    try:
        settings = load_settings()
    except ValidationError as exc:  # a weak admin token, a bad value: refuse to start
        for error in exc.errors(include_input=False):  # never echo a secret's value
            field = ".".join(str(part) for part in error["loc"])
            print(f"papote serve: {field}: {error['msg']}", file=sys.stderr)
        return 2
    protocol: type[Any] = BoundedHttpToolsProtocol.with_limits(
        settings.http_head_timeout_s, settings.http_max_head_bytes
    )
    app = create_app(settings)
    front = None
    if settings.ws_stack == "picows":
        front = PicowsFront(app, WS_MAX_SIZE)
        protocol = StackSwitch.configured(
            front, protocol, settings.http_head_timeout_s, settings.http_max_head_bytes
        )
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        loop="uvloop",
        http=protocol,  # httptools, with time and size limits on request heads
        ws="websockets-sansio",
        ws_max_size=WS_MAX_SIZE,
        # A frame is encoded once for all its recipients; per-message deflate would
        # compress it again for each of them (measured: +45% server CPU per frame).
        ws_per_message_deflate=False,
        proxy_headers=args.proxy,
        log_config=None,
        timeout_graceful_shutdown=5,
        server_header=False,
    )
    if front is not None and config.proxy_headers:  # uvicorn's own list of trusted proxies
        front.trust_proxies(config.forwarded_allow_ips)
    server = _Server(config)
    server.picows = front
    server.run()
    return 0
