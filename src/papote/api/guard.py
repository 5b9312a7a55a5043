"""Who may change state: only Papote's own page (or a program that is not a browser).

A browser always says where a request comes from (``Origin``, ``Sec-Fetch-Site``); a
form on another site can post ``text/plain`` without a CORS preflight, and a page of
another site can open a WebSocket to us. Both are refused here: state-changing
requests must be ``application/json`` and, when the browser names their origin, come
from the site itself or from ``PAPOTE_ALLOWED_ORIGINS``. A client that is not a browser
sends neither header; it gets no further than any other client (entry challenges,
rate limits). See docs/security.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.requests import Request

from papote.actions.errors import ActionError
from papote.settings import Settings


def cross_site() -> ActionError:
    return ActionError("forbidden_origin", status=403)


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.hostname:
        return None
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    default = 443 if scheme == "https" else 80
    port = parts.port if parts.port is not None else default
    return f"{scheme}://{parts.hostname.lower()}:{port}"


def allowed_origins(settings: Settings, headers: Mapping[str, str]) -> set[str]:
    """The site itself (``PAPOTE_PUBLIC_URL``, else the Host asked for) plus the allow-list."""
    allowed: set[str] = set()
    if settings.public_url:
        site = _origin_of(settings.public_url)
        if site:
            allowed.add(site)
    else:
        host = headers.get("host", "")
        for scheme in ("http", "https"):
            site = _origin_of(f"{scheme}://{host}")
            if site:
                allowed.add(site)
    for extra in settings.allowed_origins.split(","):
        origin = _origin_of(extra) if extra.strip() else None
        if origin:
            allowed.add(origin)
    return allowed


def origin_allowed(settings: Settings, headers: Mapping[str, str]) -> bool:
    """False when a browser says the request comes from another site (``headers``: the
    request's, lower-case names; only host, origin and sec-fetch-site are read)."""
    fetch_site = headers.get("sec-fetch-site", "").lower()
    if fetch_site in ("cross-site", "same-site"):
        # same-site (a sibling subdomain) is still another site for us, unless allowed
        origin = headers.get("origin")
        return origin is not None and _origin_of(origin) in allowed_origins(settings, headers)
    origin = headers.get("origin")
    if origin is None:
        return True  # not a browser, or a same-origin GET: nothing to forge from
    normalised = _origin_of(origin)
    return normalised is not None and normalised in allowed_origins(settings, headers)


def check_state_change(settings: Settings, request: Request, *, body: bool = True) -> None:
    """Raise unless this state-changing request may come from Papote's page."""
    if not origin_allowed(settings, request.headers):
        raise cross_site()
    if body:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            raise ActionError("unsupported_media_type", status=415)
