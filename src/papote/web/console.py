"""The moderators' console (``/staff``) and the two public pages beside it: contesting a
decision (``/recours``) and notifying illegal content (``/signaler``).

Static files under ``static/staff/`` and ``static/public/``, served with the chat page's
security headers (same CSP: no inline script or style, Trusted Types). See
docs/moderators.md.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from papote.web import STATIC_DIR, security_headers

PAGES: dict[str, Path] = {
    "/staff": STATIC_DIR / "staff" / "index.html",
    "/recours": STATIC_DIR / "public" / "recours.html",
    "/signaler": STATIC_DIR / "public" / "signaler.html",
}


def _page(path: Path) -> Route:
    async def serve(_request: Request) -> Response:
        return FileResponse(path, headers={**security_headers(), "Cache-Control": "no-cache"})

    return serve  # type: ignore[return-value]


def routes() -> list[BaseRoute]:
    return [Route(url, _page(path), methods=["GET", "HEAD"]) for url, path in PAGES.items()]
