"""The page's files, prepared once at start-up: content-hashed names, gzip, an import map.

No build step: when the server starts, every file under ``static/`` is read, hashed
(SHA-256, first 10 hex digits) and compressed (gzip, level 9, kept only when smaller).
Each file is then served under two names:

- ``/static/js/chat.3f9a0c1b2d.js``: the hashed name, cached for a year (``immutable``);
- ``/static/js/chat.js``: the plain name, ``no-cache`` with an ETag (for tools and tests).

The HTML pages are rewritten in memory: their ``/static/...`` references point to the
hashed names, and an import map sends every module specifier (``./dom.js`` resolves to
``/static/js/dom.js``) to its hashed name, so the modules themselves stay untouched and
one module is one instance whichever name imports it. The import map is an inline
script: its SHA-256 goes into the page's ``script-src``. ``modulepreload`` links for the
modules reachable from the page's entry module let the browser fetch them all at once
instead of one import level at a time. See docs/web.md ("Delivery").
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

STATIC_PREFIX = "/static/"
_HASH_CHARS = 10
_MIN_GZIP_BYTES = 256
_REF_RE = re.compile(r'(href|src)="/static/([^"#?]+)"')
_IMPORT_RE = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}/[^"']+\.js)["']""")
_ENTRY_RE = re.compile(r'<script type="module" src="/static/([^"]+)"></script>')
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".svg": "image/svg+xml"}


@dataclass(frozen=True, slots=True)
class Asset:
    """One file, ready to send: its body, its gzip form (or None) and its names."""

    path: str  # relative to static/, POSIX: "js/chat.js"
    hashed: str  # "js/chat.3f9a0c1b2d.js"
    media_type: str
    body: bytes
    gzipped: bytes | None
    etag: str

    @property
    def url(self) -> str:
        return STATIC_PREFIX + self.hashed


@dataclass(frozen=True, slots=True)
class Page:
    """An HTML page rewritten for delivery, and the hash of its inline import map."""

    body: bytes
    gzipped: bytes | None
    etag: str
    script_hash: str  # "'sha256-...'" for the Content-Security-Policy


def _media_type(path: Path) -> str:
    if path.suffix in _TYPES:
        return _TYPES[path.suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    kind = guessed or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind


def _gzip(body: bytes) -> bytes | None:
    if len(body) < _MIN_GZIP_BYTES:
        return None
    packed = gzip.compress(body, compresslevel=9, mtime=0)
    return packed if len(packed) < len(body) else None


def _hashed_name(path: str, digest: str) -> str:
    pure = PurePosixPath(path)
    return str(pure.with_name(f"{pure.stem}.{digest[:_HASH_CHARS]}{pure.suffix}"))


class AssetCatalogue:
    """Every file under ``root``, by plain and by hashed path."""

    def __init__(self, root: Path, *, exclude: frozenset[str] = frozenset()) -> None:
        self.root = root
        self.by_path: dict[str, Asset] = {}
        self.by_hashed: dict[str, Asset] = {}
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = file.relative_to(root).as_posix()
            if rel in exclude:  # not served at all (the test hooks in production)
                continue
            body = file.read_bytes()
            digest = hashlib.sha256(body).hexdigest()
            asset = Asset(
                path=rel,
                hashed=_hashed_name(rel, digest),
                media_type=_media_type(file),
                body=body,
                gzipped=_gzip(body),
                etag=f'"{digest[:16]}"',
            )
            self.by_path[rel] = asset
            self.by_hashed[asset.hashed] = asset

    def find(self, path: str) -> tuple[Asset, bool] | None:
        """The asset for a request path, and whether it was asked by its hashed name."""
        if path in self.by_hashed:
            return self.by_hashed[path], True
        if path in self.by_path:
            return self.by_path[path], False
        return None

    def modules_from(self, entry: str) -> list[str]:
        """The modules reachable from ``entry`` by static or dynamic relative imports."""
        seen: list[str] = []
        todo = [entry]
        while todo:
            path = todo.pop()
            if path in seen or path not in self.by_path:
                continue
            seen.append(path)
            text = self.by_path[path].body.decode("utf-8", "replace")
            base = PurePosixPath(path).parent
            for spec in _IMPORT_RE.findall(text):
                todo.append(_normalise(base / spec))
        return seen

    def page(self, html_path: str, *, dev: bool = False) -> Page:
        """Rewrite an HTML page: hashed references, an import map, module preloads;
        ``dev`` marks a development build (``data-build="dev"``: the test hooks load)."""
        html = self.by_path[html_path].body.decode("utf-8")
        if dev:
            html = html.replace('<html lang="fr">', '<html lang="fr" data-build="dev">', 1)
        html = _REF_RE.sub(self._rewrite_ref, html)
        script_hash = ""
        entry = _ENTRY_RE.search(self.by_path[html_path].body.decode("utf-8"))
        if entry:
            modules = [p for p in self.by_path if p.endswith(".js")]
            imports = {STATIC_PREFIX + p: self.by_path[p].url for p in modules}
            importmap = json.dumps({"imports": imports}, separators=(",", ":"), sort_keys=True)
            digest = base64.b64encode(hashlib.sha256(importmap.encode()).digest()).decode()
            script_hash = f"'sha256-{digest}'"
            preloads = "".join(
                f'\n  <link rel="modulepreload" href="{self.by_path[p].url}">'
                for p in self.modules_from(entry.group(1))
            )
            tag = f'<script type="importmap">{importmap}</script>{preloads}\n  '
            marker = '<script type="module"'
            html = html.replace(marker, tag + marker, 1)
        body = html.encode("utf-8")
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        return Page(body=body, gzipped=_gzip(body), etag=etag, script_hash=script_hash)

    def _rewrite_ref(self, match: re.Match[str]) -> str:
        asset = self.by_path.get(match.group(2))
        url = asset.url if asset else STATIC_PREFIX + match.group(2)
        return f'{match.group(1)}="{url}"'


def _normalise(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)
