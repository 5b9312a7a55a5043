"""Web hardening (issue 9, point 10, and the page's test hook of point 13)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import time
from collections.abc import Iterator

import httpx
import pytest
import websockets

from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import enter, unique_pseudo


@pytest.fixture(scope="module")
def prod_server() -> Iterator[ServerProcess]:
    """Production settings, a short head timeout and one extra allowed origin."""
    env = {
        **RELAXED,
        "PAPOTE_ENV": "prod",
        "PAPOTE_HTTP_HEAD_TIMEOUT_S": "1",
        "PAPOTE_ALLOWED_ORIGINS": "https://m.papote.example",
    }
    server = ServerProcess(env).start()
    yield server
    server.stop()


async def _hello(server: ServerProcess, origin: str | None) -> dict:
    session = await enter(server.url)
    async with websockets.connect(server.ws_url, origin=origin) as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "hello", "token": session["token"]}))
        return json.loads(await ws.recv())


async def test_websocket_origin_allow_list(prod_server):
    with pytest.raises(websockets.InvalidStatus) as refused:
        await _hello(prod_server, "https://evil.example")
    assert refused.value.response.status_code == 403
    for origin in (None, prod_server.url, "https://m.papote.example"):
        assert (await _hello(prod_server, origin))["type"] == "welcome", origin


def test_csp_connects_to_the_site_only(sqlite_server):
    csp = httpx.get(sqlite_server.url + "/").headers["content-security-policy"]
    connect = next(d for d in csp.split("; ") if d.startswith("connect-src"))
    assert connect == "connect-src 'self'"


def test_no_store_on_answers_that_carry_tokens(sqlite_server):
    body = {"pseudo": unique_pseudo(), "age": 30, "gender": "homme", "postal_code": "75011"}
    created = httpx.post(f"{sqlite_server.url}/api/v1/session", json=body)
    assert created.status_code == 201 and created.headers["cache-control"] == "no-store"
    refused = httpx.post(f"{sqlite_server.url}/api/v1/session", json={**body, "age": "x"})
    assert refused.headers["cache-control"] == "no-store"
    postal = httpx.get(f"{sqlite_server.url}/api/v1/postal/75011")
    assert postal.headers["cache-control"].startswith("public")  # reference data may be cached


def test_secure_cookies_and_hsts_in_production(prod_server, sqlite_server):
    body = {"pseudo": unique_pseudo(), "age": 15, "gender": "femme", "postal_code": "75011"}
    refused = httpx.post(f"{prod_server.url}/api/v1/session", json=body)  # plain http here
    assert refused.json()["error"]["code"] == "underage"
    cookie = refused.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie
    assert (
        httpx.get(f"{prod_server.url}/")
        .headers["strict-transport-security"]
        .startswith("max-age=63072000")
    )
    # outside production (plain http on a laptop), neither
    dev = httpx.post(
        f"{sqlite_server.url}/api/v1/session", json={**body, "pseudo": unique_pseudo()}
    )
    assert "secure" not in dev.headers["set-cookie"].lower()
    assert "strict-transport-security" not in httpx.get(f"{sqlite_server.url}/").headers


def test_data_files_are_the_servers_alone(prod_server):
    enter_body = {"pseudo": unique_pseudo(), "age": 30, "gender": "homme", "postal_code": "75011"}
    assert httpx.post(f"{prod_server.url}/api/v1/session", json=enter_body).status_code == 201
    names = os.listdir(prod_server.data_dir)
    assert {"papote.db", "papote-media.db", "secret.key"} <= set(names)
    for name in names:
        mode = stat.S_IMODE(os.stat(os.path.join(prod_server.data_dir, name)).st_mode)
        if name.startswith(("papote.db", "papote-media.db", "secret")):
            assert mode & 0o077 == 0, (name, oct(mode))


def _raw(server: ServerProcess) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=15)
    return sock


def test_a_slow_request_head_is_closed(prod_server):
    sock = _raw(prod_server)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    started = time.monotonic()
    answer = sock.recv(200)  # the server answers and closes; it does not wait for us
    sock.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert time.monotonic() - started < 14  # well before the socket's own 15 s timeout


def test_a_huge_request_head_is_refused(prod_server):
    sock = _raw(prod_server)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
    answer = b""
    try:
        for _ in range(200):  # 200 x 8 KiB = 1.6 MB of header, never finished
            sock.sendall(b"X-Big: " + b"a" * 8192 + b"\r\n")
    except OSError:
        pass  # closed under our feet, as it should be
    with contextlib.suppress(OSError):
        answer = sock.recv(200)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 431") or answer == b"", answer
    # the server is fine and serves the next person
    assert httpx.get(f"{prod_server.url}/healthz").status_code == 200


def test_page_test_hook_only_in_a_development_build(prod_server, sqlite_server):
    assert httpx.get(f"{prod_server.url}/static/js/devhooks.js").status_code == 404
    assert 'data-build="dev"' not in httpx.get(f"{prod_server.url}/").text
    assert "window.papote =" not in httpx.get(f"{prod_server.url}/static/js/main.js").text
    assert httpx.get(f"{sqlite_server.url}/static/js/devhooks.js").status_code == 200
    assert 'data-build="dev"' in httpx.get(f"{sqlite_server.url}/").text
