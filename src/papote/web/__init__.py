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
DEV_ONLY = frozenset({"js/devhooks.js"})  # test hooks: never served in production
# The ALTCHA widget (npm ``altcha``), served from node_modules: the CSP-friendly build
# (external style sheet, workers as files), its French strings and the PBKDF2 worker.
_ALTCHA_PACKAGE = Path("node_modules") / "altcha" / "dist"
ALTCHA_FILES = {
    "altcha.js": "external/altcha.js",
    "altcha.css": "external/altcha.css",
    "fr-fr.js": "i18n/fr-fr.js",
    "pbkdf2.js": "workers/pbkdf2.js",
}

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
        "connect-src 'self'",  # the API and the WebSocket of this site only
        "media-src 'self' blob:",
        "manifest-src 'self'",
        "worker-src 'self'",  # the entry challenge's proof-of-work worker
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
        # the ALTCHA widget (Svelte) writes its templates through "svelte-trusted-html";
        # "default" (made by js/challenge.js) lets plain text through, never markup;
        # "papote-altcha" makes the one script URL of the widget's worker
        "trusted-types svelte-trusted-html default papote-altcha",
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

    def __init__(self, *, directory: Path, dev: bool) -> None:
        super().__init__(directory=directory)
        self.dev = dev

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path in DEV_ONLY and not self.dev:
            return Response(status_code=404)
        response = await super().get_response(path, scope)
        response.headers.update(security_headers())
        response.headers.setdefault("Cache-Control", "no-cache")
        return response


def _altcha_dir() -> Path | None:
    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        if (base / _ALTCHA_PACKAGE).is_dir():
            return base / _ALTCHA_PACKAGE
    return None


async def _altcha(request: Request) -> Response:
    folder = _altcha_dir()
    name = ALTCHA_FILES.get(request.path_params["name"])
    if folder is None or name is None:
        return Response(status_code=404)
    kind = "text/css" if name.endswith(".css") else "text/javascript"
    headers = {**security_headers(), "Cache-Control": "public, max-age=86400"}
    return FileResponse(folder / name, media_type=kind, headers=headers)


def _index_page(dev: bool) -> bytes:
    """The page; a development build says so (``data-build="dev"``: test hooks load)."""
    html = INDEX_FILE.read_bytes()
    return (
        html.replace(b'<html lang="fr">', b'<html lang="fr" data-build="dev">', 1) if dev else html
    )


def _page(body: bytes) -> Response:
    headers = {**security_headers(), "Cache-Control": "no-cache"}
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)


async def _rules(_request: Request) -> Response:
    return FileResponse(RULES_FILE, headers={**security_headers(), "Cache-Control": "no-cache"})


def routes(*, dev: bool = False) -> list[BaseRoute]:
    """Starlette routes for the page: ``/``, ``/regles``, ``/static/<path>`` and the widget.

    ``dev`` (every environment but production) adds the test hooks of the page.
    """
    index = _index_page(dev)

    async def _index(_request: Request) -> Response:
        return _page(index)

    return [
        Route("/", _index, methods=["GET", "HEAD"]),
        Route("/regles", _rules, methods=["GET", "HEAD"]),
        Route("/static/vendor/altcha/{name}", _altcha, methods=["GET", "HEAD"]),
        Mount("/static", app=_SecureStatic(directory=STATIC_DIR, dev=dev), name="static"),
    ]
