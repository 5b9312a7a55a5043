"""Legal duties on a real server: acting on a threat to life builds, by itself, a signed
evidence package with the hash of every file and puts the content under legal hold."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import time
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_public_key

from tests.images import encode, photo
from tests.mediaclient import uploaded
from tests.staff.test_cases import case_for, room_pair, staff_post
from tests.staffhelp import add_staff, login
from tests.wsclient import Client


async def test_a_ban_for_a_threat_packages_the_evidence_and_holds_it(sqlite_server):
    server = sqlite_server
    mod = add_staff(server)
    token = login(server, mod)
    a, b = await room_pair(server, "sport")
    image = encode(photo(seed=83))
    media = uploaded(server, a.session["token"], image)
    said = await a.request(
        {"type": "say", "room": "sport", "text": "regarde bien", "media": media["id"]}
    )
    assert said["type"] == "ack", said
    message = said["message"]
    await b.request({"type": "report", "reason": "violence", "message": message["id"]})
    case = case_for(server, token, message["id"])
    acted = staff_post(
        server, token, f"/cases/{case['id']}/actions", {"action": "ban", "reason": "violence"}
    )
    assert acted.status_code == 200, acted.text

    with sqlite3.connect(Path(server.data_dir) / "papote.db") as conn:
        (body, signature), *_ = conn.execute(
            "SELECT body, signature FROM evidence_packages WHERE case_id = ?", (case["id"],)
        ).fetchall()
        held = {r[0] for r in conn.execute("SELECT message_id FROM legal_holds")}
        kept = conn.execute("SELECT evidence FROM media WHERE id = ?", (media["id"],)).fetchone()
        audited = conn.execute(
            "SELECT actor FROM audit_log WHERE action = 'evidence.package' AND target = ?",
            (f"case:{case['id']}",),
        ).fetchall()
    package = json.loads(body)
    assert package["content"]["text"] == "regarde bien"
    assert package["decision"]["action"] == "ban" and not package["decision"]["automated"]
    assert a.id not in body, "identifiers are hashed"
    (file,) = package["files"]
    assert file["media"] == media["id"]
    assert file["sha256"] == hashlib.sha256(image).hexdigest(), "the hash of the file sent"
    assert file["stored_sha256"] and file["md5"] == hashlib.md5(image).hexdigest()
    assert message["id"] in held, "the content is under legal hold"
    assert kept == (1,), "the image is kept from the purge"
    assert audited == [(mod.name,)]
    # signed with the server's key, which the console gives with a package it builds
    public = staff_post(server, token, f"/cases/{case['id']}/evidence").json()["public_key"]
    load_pem_public_key(public.encode()).verify(base64.b64decode(signature), body.encode())
    for c in (a, b):
        await c.close()


async def test_each_websocket_connection_writes_a_connection_log_row(sqlite_server):
    """Time, hashed address prefix and session of each connection (kept one year):
    one row per WebSocket, never the address itself."""
    db = Path(sqlite_server.data_dir) / "papote.db"

    def rows(user_id: str) -> list[tuple[int, str]]:
        with sqlite3.connect(db) as conn:
            query = "SELECT ts, prefix_key FROM connection_log WHERE user_id = ? ORDER BY id"
            return list(conn.execute(query, (user_id,)))

    def wait_rows(user_id: str, count: int) -> list[tuple[int, str]]:
        deadline = time.monotonic() + 5
        while len(found := rows(user_id)) < count:
            assert time.monotonic() < deadline, found
            time.sleep(0.05)
        return found

    started = int(time.time() * 1000)
    person = await Client.enter(sqlite_server)
    ((ts, prefix),) = wait_rows(person.id, 1)
    assert started - 1000 <= ts <= int(time.time() * 1000) + 1000
    assert prefix and "127.0.0" not in prefix and len(prefix) >= 16  # hashed, not the address
    second = await Client.connect(sqlite_server.ws_url, person.session)  # a second tab
    assert [p for _, p in wait_rows(person.id, 2)] == [prefix, prefix]
    for c in (second, person):
        await c.close()
