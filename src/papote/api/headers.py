"""Headers every HTTP response gets: no caching of API answers, HSTS in production.

API answers carry tokens, nonces and people's pseudos: ``Cache-Control: no-store``
keeps them out of every cache (an answer that sets its own policy, such as the postal
look-up, keeps it). ``Strict-Transport-Security`` follows ``PAPOTE_HSTS_MAX_AGE_S``
(on by default in production).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ResponseHeaders:
    def __init__(self, app: ASGIApp, hsts: str | None) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if api and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
                if self.hsts:
                    headers["Strict-Transport-Security"] = self.hsts
            await send(message)

        await self.app(scope, receive, send_with_headers)
