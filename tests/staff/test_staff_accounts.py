"""Staff accounts against a real server: argon2 passwords, TOTP for admins, separate
tokens, rate-limited and audited logins, and the audit chain's verification."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from tests.serverproc import RELAXED, ServerProcess
from tests.staffhelp import add_staff, auth, login, papote
from tests.wsclient import enter


def _login(server, body):
    return httpx.post(f"{server.url}/api/v1/staff/login", json=body)


def test_moderator_logs_in_and_sees_itself(server):
    mod = add_staff(server, "moderator")
    token = login(server, mod)
    r = httpx.get(f"{server.url}/api/v1/staff/me", headers=auth(token))
    assert r.status_code == 200
    assert r.json()["staff"] == {"name": mod.name, "role": "moderator", "queues": []}
    assert r.headers["cache-control"] == "no-store"


def test_admin_needs_totp(server):
    admin = add_staff(server, "admin")
    no_code = _login(server, {"name": admin.name, "password": admin.password, "totp": None})
    assert no_code.status_code == 401 and no_code.json()["error"]["code"] == "bad_credentials"
    wrong = _login(server, {"name": admin.name, "password": admin.password, "totp": "000000"})
    assert wrong.status_code == 401
    assert login(server, admin)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "nobody-here", "password": "whatever-password"},
        {"name": None, "password": 3},
        {"password": "x"},
    ],
)
def test_bad_credentials_are_401(server, body):
    r = _login(server, body)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "bad_credentials"


def test_wrong_password_is_401(server):
    mod = add_staff(server)
    r = _login(server, {"name": mod.name, "password": mod.password + "x"})
    assert r.status_code == 401 and "incorrect" in r.json()["error"]["message"]


async def test_chat_token_never_opens_staff_routes(server):
    session = await enter(server.url)
    r = httpx.get(f"{server.url}/api/v1/staff/me", headers=auth(session["token"]))
    assert r.status_code == 401
    assert httpx.get(f"{server.url}/api/v1/staff/me").status_code == 401


def test_logout_ends_the_token(server):
    token = login(server, add_staff(server))
    assert httpx.post(f"{server.url}/api/v1/staff/logout", headers=auth(token)).status_code == 204
    assert httpx.get(f"{server.url}/api/v1/staff/me", headers=auth(token)).status_code == 401


def test_login_and_logout_are_audited(sqlite_server):
    mod = add_staff(sqlite_server)
    token = login(sqlite_server, mod)
    assert (
        httpx.post(f"{sqlite_server.url}/api/v1/staff/logout", headers=auth(token)).status_code
        == 204
    )
    # an unknown token ends nothing and writes nothing
    assert (
        httpx.post(f"{sqlite_server.url}/api/v1/staff/logout", headers=auth(token)).status_code
        == 204
    )
    db = Path(sqlite_server.data_dir) / "papote.db"
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT actor, action FROM audit_log WHERE target = ? ORDER BY id",
            (f"staff:{mod.name}",),
        ).fetchall()
    assert [a for _, a in rows] == ["staff.add", "staff.login", "staff.logout"]
    assert rows[-1][0] == mod.name
    verified = papote(sqlite_server, "audit", "verify")
    assert verified.returncode == 0 and '"ok": true' in verified.stdout


def test_disabled_account_cannot_log_in(server):
    mod = add_staff(server)
    token = login(server, mod)
    assert papote(server, "staff", "disable", mod.name).returncode == 0
    assert httpx.get(f"{server.url}/api/v1/staff/me", headers=auth(token)).status_code == 401
    assert _login(server, {"name": mod.name, "password": mod.password}).status_code == 401


def test_short_password_refused_by_the_command(server):
    done = papote(server, "staff", "add", "shorty", "--role", "moderator", stdin="short\n")
    assert done.returncode == 2 and "12" in done.stderr


def test_login_guesses_are_rate_limited_and_audited():
    proc = ServerProcess({**RELAXED, "PAPOTE_RATE_STAFF_LOGIN": "3/minute"}).start()
    try:
        mod = add_staff(proc)
        codes = [
            _login(proc, {"name": mod.name, "password": f"guess-{i}-password"}).status_code
            for i in range(5)
        ]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
        db = Path(proc.data_dir) / "papote.db"
        with sqlite3.connect(db) as conn:
            rows = conn.execute(
                "SELECT action, detail FROM audit_log WHERE target = ?", (f"staff:{mod.name}",)
            ).fetchall()
        actions = [a for a, _ in rows]
        assert actions.count("staff.login_failed") == 5
        failed = [d for a, d in rows if a == "staff.login_failed"]
        assert all("ip_hash" in d and "127.0.0.1" not in d for d in failed)
    finally:
        proc.stop()


def test_audit_chain_detects_tampering():
    proc = ServerProcess(dict(RELAXED)).start()
    try:
        mod = add_staff(proc)
        login(proc, mod)
        ok = papote(proc, "audit", "verify")
        assert ok.returncode == 0 and '"ok": true' in ok.stdout
        db = Path(proc.data_dir) / "papote.db"
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE audit_log SET actor = 'someone-else' WHERE action = 'staff.add'")
        broken = papote(proc, "audit", "verify")
        assert broken.returncode == 1 and '"ok": false' in broken.stdout
        assert "content does not match" in broken.stdout
    finally:
        proc.stop()


def test_audit_chain_detects_deleted_and_inserted_rows():
    """A row taken out of the middle, or one slipped in with a made-up hash, breaks the
    chain at that row (docs/moderators.md, Audit)."""
    proc = ServerProcess(dict(RELAXED)).start()
    try:
        for _ in range(3):
            login(proc, add_staff(proc))
        db = Path(proc.data_dir) / "papote.db"
        ok = papote(proc, "audit", "verify")
        assert ok.returncode == 0 and '"ok": true' in ok.stdout, ok.stdout
        with sqlite3.connect(db) as conn:
            ids = [i for (i,) in conn.execute("SELECT id FROM audit_log ORDER BY id")]
            backup = conn.execute("SELECT * FROM audit_log WHERE id = ?", (ids[2],)).fetchone()
            conn.execute("DELETE FROM audit_log WHERE id = ?", (ids[2],))
        deleted = papote(proc, "audit", "verify")
        assert deleted.returncode == 1 and f'"broken_at": {ids[3]}' in deleted.stdout
        assert "previous hash does not match" in deleted.stdout
        with sqlite3.connect(db) as conn:  # put it back, then insert a forged row
            marks = ",".join("?" * len(backup))
            conn.execute(f"INSERT INTO audit_log VALUES ({marks})", backup)
        assert papote(proc, "audit", "verify").returncode == 0
        with sqlite3.connect(db) as conn:
            head = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
            conn.execute(
                "INSERT INTO audit_log (actor, action, target, detail, ts, prev_hash, hash)"
                " VALUES ('someone', 'sanction.undo', 'user:x', '{}', 0, ?, ?)",
                (head[0], "0" * 64),
            )
        forged = papote(proc, "audit", "verify")
        assert forged.returncode == 1 and "content does not match" in forged.stdout
    finally:
        proc.stop()


def test_the_legacy_admin_token_grants_nothing_unless_kept_on(fresh_server):
    token = "legacy-operator-token-0123456789-abcdefghijklmnopqrstuvwxyz"
    fresh_server.env["PAPOTE_ADMIN_TOKEN"] = token
    server = fresh_server.start()
    url = f"{server.url}/api/v1/admin/terms"
    assert httpx.get(url, headers=auth(token)).status_code == 403
    term = {"term": "motlegacy", "category": "spam", "action": "block"}
    assert httpx.post(url, headers=auth(token), json=term).status_code == 403
    assert httpx.get(f"{server.url}/api/v1/staff/cases", headers=auth(token)).status_code == 401
    assert "PAPOTE_ADMIN_TOKEN is set but grants nothing" in server.logs()
    server.stop()
    server.env["PAPOTE_LEGACY_ADMIN_TOKEN"] = "true"
    server.start()
    added = httpx.post(url, headers=auth(token), json=term)
    assert added.status_code == 201 and added.json()["term"]["created_by"] == "admin"


def test_the_openapi_document_describes_every_staff_appeal_and_notice_route(
    sqlite_server, tmp_path
):
    from starlette.routing import Route

    from papote.app import create_app
    from papote.settings import Settings

    app = create_app(Settings(data_dir=tmp_path))
    served = {
        (r.path, method.lower())
        for r in app.routes
        if isinstance(r, Route)
        and r.path.startswith(("/api/v1/staff", "/api/v1/appeals", "/api/v1/notices"))
        for method in (r.methods or set()) - {"HEAD"}
    }
    spec = httpx.get(f"{sqlite_server.url}/api/v1/openapi.json").json()
    described = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert len(served) >= 18 and served <= described, served - described
