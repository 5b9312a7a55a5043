"""Delivery of the page: hashed names cached for a year, gzip, an import map, no-cache HTML."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from base64 import b64encode

from starlette.applications import Starlette
from starlette.testclient import TestClient

from papote.web import DEV_ONLY, STATIC_DIR, routes
from papote.web.assets import AssetCatalogue

IMPORTMAP_RE = re.compile(r'<script type="importmap">(.*?)</script>')


def _client() -> TestClient:
    return TestClient(Starlette(routes=routes()))


def test_index_is_no_cache_and_maps_every_module_to_its_hashed_name():
    client = _client()
    response = client.get("/", headers={"accept-encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    html = response.text
    importmap = IMPORTMAP_RE.search(html)
    assert importmap is not None
    imports = json.loads(importmap.group(1))["imports"]
    for js in (STATIC_DIR / "js").glob("*.js"):
        if f"js/{js.name}" in DEV_ONLY:  # test hooks: not even named in production
            assert f"/static/js/{js.name}" not in imports
            continue
        digest = hashlib.sha256(js.read_bytes()).hexdigest()[:10]
        assert imports[f"/static/js/{js.name}"] == f"/static/js/{js.stem}.{digest}.js"
    # the inline import map is allowed by its hash, and nothing else inline is
    csp = response.headers["content-security-policy"]
    digest = b64encode(hashlib.sha256(importmap.group(1).encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp
    # the style sheet and the entry module under their hashed names, modules preloaded
    assert re.search(r'href="/static/css/app\.[0-9a-f]{10}\.css"', html)
    assert re.search(r'<script type="module" src="/static/js/main\.[0-9a-f]{10}\.js">', html)
    assert html.count('rel="modulepreload"') >= 10


def test_hashed_files_are_immutable_and_gzipped():
    client = _client()
    catalogue = AssetCatalogue(STATIC_DIR)
    chat = catalogue.by_path["js/chat.js"]
    response = client.get(chat.url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content == chat.body  # decoded by the client
    assert chat.gzipped is not None and gzip.decompress(chat.gzipped) == chat.body
    assert len(chat.gzipped) < len(chat.body) / 2
    # the security headers go with every file
    assert response.headers["x-content-type-options"] == "nosniff"


def test_plain_names_are_no_cache_with_an_etag_and_304():
    client = _client()
    first = client.get("/static/js/chat.js")
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/static/js/chat.js", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_unknown_file_is_a_json_404():
    response = _client().get("/static/js/nothing.js")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_first_load_compressed_is_far_under_200_kb():
    """What the entry page pulls in (HTML, CSS, every module, the icon), gzipped."""
    catalogue = AssetCatalogue(STATIC_DIR)
    page = catalogue.page("index.html")
    modules = catalogue.modules_from("js/main.js")
    files = [catalogue.by_path[p] for p in [*modules, "css/app.css", "img/favicon.svg"]]
    raw = len(page.body) + sum(len(f.body) for f in files)
    sent = len(page.gzipped or page.body) + sum(len(f.gzipped or f.body) for f in files)
    print(f"first load: {len(files) + 1} files, {raw / 1000:.1f} kB raw, {sent / 1000:.1f} kB gzip")
    assert "js/chat.js" in modules and "js/strings-fr.js" in modules
    assert sent < 200_000
    assert sent < raw / 2


def test_dev_hooks_exist_only_in_a_dev_build():
    prod = TestClient(Starlette(routes=routes()))
    assert prod.get("/static/js/devhooks.js").status_code == 404
    assert 'data-build="dev"' not in prod.get("/").text
    dev = TestClient(Starlette(routes=routes(dev=True)))
    assert dev.get("/static/js/devhooks.js").status_code == 200
    html = dev.get("/").text
    assert 'data-build="dev"' in html
    imports = json.loads(IMPORTMAP_RE.search(html).group(1))["imports"]  # type: ignore[union-attr]
    assert "/static/js/devhooks.js" in imports
