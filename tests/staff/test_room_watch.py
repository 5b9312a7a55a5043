"""A room seen live by a moderator: members, messages of every state, polling with the
last id seen, and the opening of the view written to the audit log (not each refresh)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.staff.test_cases import room_pair, say, staff_get
from tests.staffhelp import add_staff, login
from tests.wsclient import enter


async def test_a_room_live_for_moderators_only(sqlite_server):
    server = sqlite_server
    mod = add_staff(server)
    token = login(server, mod)
    a, b = await room_pair(server, "cuisine")
    first = await say(a, "cuisine", "qui a une bonne recette de crêpes ?")
    rooms = staff_get(server, token, "/rooms").json()["rooms"]
    cuisine = next(r for r in rooms if r["id"] == "cuisine")
    assert cuisine["member_count"] >= 2 and cuisine["mode"] == "open"

    live = staff_get(server, token, "/rooms/cuisine/live").json()
    assert first["id"] in [m["id"] for m in live["messages"]]
    assert {a.id, b.id} <= {u["id"] for u in live["members"]}
    assert live["room"]["mode"] == "open" and live["last"] == live["messages"][-1]["id"]
    second = await say(b, "cuisine", "avec du beurre salé, évidemment")
    newer = staff_get(server, token, f"/rooms/cuisine/live?after={live['last']}").json()
    assert [m["id"] for m in newer["messages"]] == [second["id"]]
    assert newer["messages"][0]["state"] == "delivered"
    empty = staff_get(server, token, f"/rooms/cuisine/live?after={newer['last']}").json()
    assert empty["messages"] == [] and empty["last"] == newer["last"]

    db = Path(server.data_dir) / "papote.db"
    with sqlite3.connect(db) as conn:
        watched = conn.execute(
            "SELECT count(*) FROM audit_log WHERE actor = ? AND action = 'room.watch'",
            (mod.name,),
        ).fetchone()[0]
    assert watched == 1, "opening the view is audited once, refreshes are not"

    assert staff_get(server, token, "/rooms/nowhere/live").status_code == 404
    assert staff_get(server, token, "/rooms/cuisine/live?after=x;drop").status_code == 400
    chat = await enter(server.url)
    assert staff_get(server, chat["token"], "/rooms/cuisine/live").status_code == 401
    for c in (a, b):
        await c.close()
