"""The person's frame goes out while the decision's commit is under way; a commit that
fails is reversed everywhere. A real PostgreSQL database made to refuse the commit (a
deferred constraint trigger raises at COMMIT, after every row was flushed), a real
server, real WebSockets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import pytest

from tests.conftest import postgres_url
from tests.serverproc import RELAXED, ServerProcess
from tests.staff.test_cases import case_for, room_pair, say, staff_get, staff_post
from tests.staffhelp import add_staff, login
from tests.wsclient import Client

REFUSE = """
CREATE OR REPLACE FUNCTION refuse_sanction() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'disk refused the commit (test)'; END $$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER refuse_sanction AFTER INSERT ON sanctions
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_sanction();
"""
ALLOW = "DROP TRIGGER refuse_sanction ON sanctions"


@pytest.fixture(scope="module")
def pg_server() -> Iterator[ServerProcess]:
    proc = ServerProcess({**RELAXED, "PAPOTE_DATABASE_URL": postgres_url()}).start()
    yield proc
    proc.stop()


@pytest.fixture
async def sql(pg_server: ServerProcess) -> AsyncIterator[asyncpg.Connection]:
    url = pg_server.env["PAPOTE_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(url)
    yield conn
    await conn.close()


async def _reported(server: ServerProcess, mod: str, text: str) -> tuple[Client, Client, str]:
    a, b = await room_pair(server)
    msg = await say(a, "general", text)
    await b.request({"type": "report", "reason": "spam", "message": msg["id"]})
    return a, b, case_for(server, mod, msg["id"])["id"]


def _lifted(f: dict[str, Any]) -> bool:
    return f["type"] == "notice" and f.get("key", "").startswith("lifted:")


def _act(server: ServerProcess, mod: str, case_id: str, action: str) -> Any:
    body = {"action": action, "reason": "spam", "duration_s": 600}
    return staff_post(server, mod, f"/cases/{case_id}/actions", body)


async def _act_refused(
    server: ServerProcess, sql: asyncpg.Connection, mod: str, case_id: str, action: str
) -> Any:
    """The action while the database refuses to commit a sanction."""
    await sql.execute(REFUSE)
    try:
        return _act(server, mod, case_id, action)
    finally:
        await sql.execute(ALLOW)


async def _nothing_recorded(sql: asyncpg.Connection, sanction_id: str) -> None:
    assert await sql.fetchval("SELECT count(*) FROM sanctions WHERE id = $1", sanction_id) == 0
    audit = "SELECT count(*) FROM audit_log WHERE detail::text LIKE '%' || $1 || '%'"
    assert await sql.fetchval(audit, sanction_id) == 0


async def test_a_mute_whose_commit_fails_is_lifted_and_told(pg_server, sql):
    mod = login(pg_server, add_staff(pg_server))
    a, b, case_id = await _reported(pg_server, mod, "je cherche un bon restaurant à Nantes")
    r = await _act_refused(pg_server, sql, mod, case_id, "mute")
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["code"] == "not_recorded" and "annulée" in error["message"]
    # the frame went out before the commit failed, then the lift, on every node
    muted = await a.wait_type("sanction", action="mute")
    lifted = await a.wait_for(_lifted)
    assert a.frames.index(muted) < a.frames.index(lifted)
    assert "sourdine est levée" in lifted["text"] and "vous" not in lifted["text"].lower()
    sanction_id = lifted["key"].removeprefix("lifted:")
    # enforcement lifted on the node: the person writes again
    again = await a.request({"type": "say", "room": "general", "text": "bon, je reprends"})
    assert again["type"] == "ack", again
    # no sanction without its record: no row, no audit entry, the case still open
    await _nothing_recorded(sql, sanction_id)
    case = staff_get(pg_server, mod, f"/cases/{case_id}").json()
    assert case["case"]["state"] == "open", case

    # the database takes commits again: the same action is recorded and enforced
    r = _act(pg_server, mod, case_id, "mute")
    assert r.status_code == 200, r.text
    recorded = r.json()["sanction"]
    frame = await a.wait_for(
        lambda f: f["type"] == "sanction" and f["action"] == "mute", start=a.frames.index(lifted)
    )
    assert frame["until"] == recorded["until"]
    row = await sql.fetchrow(
        "SELECT statement, revoked_at FROM sanctions WHERE id = $1", recorded["id"]
    )
    assert row is not None and row["statement"] and row["revoked_at"] is None
    no = await a.request({"type": "say", "room": "general", "text": "encore moi"})
    assert no["type"] == "rejected" and no["code"] == "muted", no
    for c in (a, b):
        await c.close()


async def test_a_ban_whose_commit_fails_lets_the_person_back_in(pg_server, sql):
    mod = login(pg_server, add_staff(pg_server))
    a, b, case_id = await _reported(pg_server, mod, "qui a vu le match de rugby hier soir")
    r = await _act_refused(pg_server, sql, mod, case_id, "ban")
    assert r.status_code == 503 and r.json()["error"]["code"] == "not_recorded", r.text
    assert (await a.wait_type("sanction"))["action"] == "ban"
    assert await a.closed == 4003
    # the ban was never recorded: the same session comes back, and is told
    back = await Client.connect(pg_server.ws_url, a.session)
    told = await back.wait_for(_lifted)
    assert "bannissement est levé" in told["text"]
    await _nothing_recorded(sql, told["key"].removeprefix("lifted:"))
    assert await sql.fetchval("SELECT status FROM users WHERE id = $1", a.id) == "active"
    await back.request({"type": "join", "room": "general"})
    ok = await back.request({"type": "say", "room": "general", "text": "me revoilà"})
    assert ok["type"] == "ack", ok
    for c in (back, b):
        await c.close()
