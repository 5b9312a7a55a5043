"""The page people use: static files and the headers that protect them.

The page is plain HTML, CSS and JavaScript modules (no build step). :func:`routes`
prepares them once at start-up (content-hashed names, gzip, an import map: see
:mod:`papote.web.assets`) and adds :func:`security_headers` to every response of the
page. See ``docs/web.md``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from papote.web.assets import AssetCatalogue

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


def security_headers(script_hashes: tuple[str, ...] = ()) -> dict[str, str]:
    """The headers the core adds to every response of the page (a fresh copy).

    ``script_hashes`` ("'sha256-...'") allow the page's inline import map, and only it.
    """
    headers = dict(_HEADERS)
    if script_hashes:
        headers["Content-Security-Policy"] = _CSP.replace(
            "script-src 'self'", "script-src 'self' " + " ".join(script_hashes), 1
        )
    return headers


_IMMUTABLE = "public, max-age=31536000, immutable"


def _send(
    request: Request,
    body: bytes,
    gzipped: bytes | None,
    *,
    media_type: str,
    etag: str,
    cache: str,
    script_hashes: tuple[str, ...] = (),
) -> Response:
    """One prepared body: 304 on a matching ETag, gzip when the browser takes it."""
    headers = {
        **security_headers(script_hashes),
        "Cache-Control": cache,
        "ETag": etag,
        "Vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = gzipped
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(b"", headers=headers, media_type=media_type)
    return Response(body, headers=headers, media_type=media_type)


def routes() -> list[BaseRoute]:
    """Starlette routes for the page: ``/``, ``/regles`` and ``/static/<path>``.

    The files are read, hashed and compressed here, once (see :mod:`papote.web.assets`).
    """
    catalogue = AssetCatalogue(STATIC_DIR)
    pages = {name: catalogue.page(name) for name in ("index.html", "regles.html")}

    def _page(name: str) -> Callable[[Request], Awaitable[Response]]:
        page = pages[name]
        hashes = (page.script_hash,) if page.script_hash else ()

        async def endpoint(request: Request) -> Response:
            return _send(
                request,
                page.body,
                page.gzipped,
                media_type="text/html; charset=utf-8",
                etag=page.etag,
                cache="no-cache",
                script_hashes=hashes,
            )

        return endpoint

    async def static(request: Request) -> Response:
        path = request.path_params["path"]
        if path in pages:
            return await _page(path)(request)
        found = catalogue.find(path)
        if found is None:
            return Response(
                '{"error":{"code":"not_found","message":"Fichier introuvable."}}',
                status_code=404,
                media_type="application/json",
                headers=security_headers(),
            )
        asset, hashed = found
        return _send(
            request,
            asset.body,
            asset.gzipped,
            media_type=asset.media_type,
            etag=asset.etag,
            cache=_IMMUTABLE if hashed else "no-cache",
        )

    return [
        Route("/", _page("index.html"), methods=["GET", "HEAD"]),
        Route("/regles", _page("regles.html"), methods=["GET", "HEAD"]),
        Route("/static/{path:path}", static, methods=["GET", "HEAD"]),
    ]
