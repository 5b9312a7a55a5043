"""The page people use: static files and the headers that protect them.

The page is plain HTML, CSS and JavaScript modules served as they are (no build step).
The core mounts it with :func:`routes` (or serves :data:`STATIC_DIR` itself) and adds
:func:`security_headers` to every response of the page. See ``docs/web.md``.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR: Path = Path(__file__).resolve().parent / "static"
INDEX_FILE: Path = STATIC_DIR / "index.html"
RULES_FILE: Path = STATIC_DIR / "regles.html"

# One policy for every page response. No inline script or style anywhere in the page:
# every script is an external module, every style an external sheet. Trusted Types are
# required so that a future `innerHTML = userText` throws instead of injecting markup.
_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "font-src 'self'",
        "connect-src 'self' ws: wss:",
        "media-src 'self' blob:",
        "manifest-src 'self'",
        "worker-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
    ]
)

_HEADERS: dict[str, str] = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
    ),
}


def security_headers() -> dict[str, str]:
    """The headers the core adds to every response of the page (a fresh copy)."""
    return dict(_HEADERS)


class _SecureStatic(StaticFiles):
    """Static files with the page's security headers and a short cache."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(security_headers())
        response.headers.setdefault("Cache-Control", "no-cache")
        return response


async def _index(_request: Request) -> Response:
    return FileResponse(INDEX_FILE, headers={**security_headers(), "Cache-Control": "no-cache"})


async def _rules(_request: Request) -> Response:
    return FileResponse(RULES_FILE, headers={**security_headers(), "Cache-Control": "no-cache"})


def routes() -> list[BaseRoute]:
    """Starlette routes for the page: ``/``, ``/regles`` and ``/static/<path>``."""
    return [
        Route("/", _index, methods=["GET", "HEAD"]),
        Route("/regles", _rules, methods=["GET", "HEAD"]),
        Mount("/static", app=_SecureStatic(directory=STATIC_DIR), name="static"),
    ]
