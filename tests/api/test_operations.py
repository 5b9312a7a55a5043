"""Operations (issue 9, points 8 and 9): no raw address in any log line, metrics on
their own listener, a strong admin token, failed admin attempts slowed and logged."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import httpx
import pytest
import websockets

from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import unique_pseudo

CLIENT_IP = "127.0.0.2"  # the client's own loopback address: the server listens on .1
STRONG = "ops-admin-token-0123456789-abcdefghijklmnopqrstuvwx"


async def _visit(server: ServerProcess) -> None:
    """A person's visit from CLIENT_IP: entry, WebSocket, a refused socket, leaving."""
    transport = httpx.AsyncHTTPTransport(local_address=CLIENT_IP)
    async with httpx.AsyncClient(base_url=server.url, transport=transport) as http:
        body = {"pseudo": unique_pseudo(), "age": 30, "gender": "homme", "postal_code": "75011"}
        session = (await http.post("/api/v1/session", json=body)).json()
        await http.get("/api/v1/nothing")  # a 404 goes through the access path too
        await http.post("/api/v1/admin/terms", json={}, headers={"authorization": "Bearer x"})
        ws = await websockets.connect(server.ws_url, local_addr=(CLIENT_IP, 0))
        await ws.send(json.dumps({"type": "hello", "token": session["token"]}))
        await ws.recv()
        await ws.close()
        with pytest.raises(websockets.InvalidStatus):
            await websockets.connect(
                server.ws_url, local_addr=(CLIENT_IP, 0), origin="https://evil.example"
            )
        await http.delete(
            "/api/v1/session", headers={"authorization": f"Bearer {session['token']}"}
        )


@pytest.mark.parametrize("log_format", ["console", "json"])
def test_no_client_address_in_any_log_line(log_format):
    env = {
        **RELAXED,
        "PAPOTE_LOG_LEVEL": "DEBUG",
        "PAPOTE_LOG_FORMAT": log_format,
        "PAPOTE_ADMIN_TOKEN": STRONG,
    }
    server = ServerProcess(env).start()
    try:
        asyncio.run(_visit(server))
    finally:
        server.stop()
    with open(server.log_path, encoding="utf-8", errors="replace") as log:
        text = log.read()
    assert "WebSocket /api/v1/ws" in text  # uvicorn's own line is there...
    assert CLIENT_IP not in text, [line for line in text.splitlines() if CLIENT_IP in line]
    assert "ip:" in text  # ...naming the client by a keyed hash
    assert "admin API: wrong token" in text and "ip_hash" in text


def test_metrics_are_not_on_the_public_port(sqlite_server):
    public = httpx.get(f"{sqlite_server.url}/metrics")
    assert public.status_code == 404 and public.json()["error"]["code"] == "not_found"
    private = httpx.get(sqlite_server.metrics_url)
    assert private.status_code == 200 and "papote_online_users" in private.text


@pytest.mark.parametrize(
    "token", ["tok-x", "admin-secret", "a" * 64, "0123456789abcdef0123456789abcdef"]
)
def test_a_weak_admin_token_is_refused_at_start(tmp_path, token):
    done = subprocess.run(
        [sys.executable, "-m", "papote.cli", "serve", "--port", "1"],
        env={"PAPOTE_ADMIN_TOKEN": token, "PAPOTE_DATA_DIR": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "PAPOTE_ADMIN_TOKEN must hold at least 32 random bytes" in done.stderr
    assert token not in done.stderr  # a secret, even a weak one, is not echoed


def test_failed_admin_attempts_are_slowed_then_refused(fresh_server):
    fresh_server.env.update(
        {
            "PAPOTE_ADMIN_TOKEN": STRONG,
            "PAPOTE_LEGACY_ADMIN_TOKEN": "true",
            "PAPOTE_RATE_ADMIN_FAIL": "3/minute",
        }
    )
    server = fresh_server.start()
    url = f"{server.url}/api/v1/admin/terms"
    good = {"authorization": f"Bearer {STRONG}"}
    assert httpx.get(url, headers=good).status_code == 200
    guesses = [{"authorization": f"Bearer guess{i}"} for i in range(3)]
    codes = [httpx.get(url, headers=h).status_code for h in guesses]
    assert codes == [403, 403, 403]
    # past the limit even the right token waits: guessing cannot go on
    refused = httpx.get(url, headers=good)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
    logged = [line for line in server.logs().splitlines() if "admin API: wrong token" in line]
    assert len(logged) == 3 and all("ip_hash" in line for line in logged)
    assert "127.0.0.1" not in "".join(logged)
