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
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from papote.web.assets import AssetCatalogue

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


def routes(*, dev: bool = False) -> list[BaseRoute]:
    """Starlette routes for the page: ``/``, ``/regles``, ``/static/<path>`` and the widget.

    The files are read, hashed and compressed here, once (see :mod:`papote.web.assets`).
    ``dev`` (every environment but production) adds the test hooks of the page
    (``data-build="dev"`` on the page, ``js/devhooks.js``); in production they do not exist.
    """
    catalogue = AssetCatalogue(STATIC_DIR, exclude=frozenset() if dev else DEV_ONLY)
    pages = {
        name: catalogue.page(name, dev=dev and name == "index.html")
        for name in ("index.html", "regles.html")
    }

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
        Route("/static/vendor/altcha/{name}", _altcha, methods=["GET", "HEAD"]),
        Route("/static/{path:path}", static, methods=["GET", "HEAD"]),
    ]
