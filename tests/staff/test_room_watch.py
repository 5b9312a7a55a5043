"""A room seen live by a moderator: members, messages of every state, read with the
last id seen or pushed as server-sent events, and the opening of the view written to
the audit log (not each refresh)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import httpx

from tests.staff.test_cases import case_for, room_pair, say, staff_get, staff_post
from tests.staffhelp import add_staff, auth, login
from tests.wsclient import Client, enter


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


class _Events:
    """Reads server-sent events from an open httpx stream, one at a time."""

    def __init__(self, response) -> None:
        self.lines = response.aiter_lines()

    async def next(self, timeout: float = 5.0) -> tuple[str, dict]:
        """The next named event (keep-alive comments skipped)."""
        name, data = "", ""
        async with asyncio.timeout(timeout):
            async for line in self.lines:
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data += line[6:]
                elif line == "" and data:
                    return name, json.loads(data)
        raise AssertionError("the stream ended")


async def test_a_room_live_is_pushed_to_the_console(sqlite_server):
    """The live view as server-sent events: the room at once, then each new message
    and each takedown as it happens (well before the 10 s sweep), staff only."""
    server = sqlite_server
    token = login(server, add_staff(server))
    a, b = await room_pair(server, "jeux-video")
    first = await say(a, "jeux-video", "quelqu'un joue à Zelda en ce moment ?")
    url = f"{server.url}/api/v1/staff/rooms/jeux-video/stream"
    async with httpx.AsyncClient(timeout=30) as http:
        async with http.stream("GET", url, headers=auth(token)) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = _Events(response)
            name, view = await events.next()
            assert name == "room" and view["room"]["id"] == "jeux-video"
            assert first["id"] in [m["id"] for m in view["messages"]]
            assert {a.id, b.id} <= {u["id"] for u in view["members"]}

            second = await say(b, "jeux-video", "oui, je suis bloquée au deuxième temple")
            name, delta = await events.next()
            assert name == "room" and [m["id"] for m in delta["messages"]] == [second["id"]]

            # a moderator takes the first message down: the view is told which one
            await b.request({"type": "report", "reason": "spam", "message": first["id"]})
            case = case_for(server, token, first["id"])
            acted = staff_post(
                server,
                token,
                f"/cases/{case['id']}/actions",
                {"action": "delete", "reason": "spam"},
            )
            assert acted.status_code == 200, acted.text
            seen = [await events.next() for _ in range(2)]
            assert ("removed", {"id": first["id"]}) in seen, seen

            # someone joins: the members follow
            c = await Client.enter(server)
            await c.request({"type": "join", "room": "jeux-video"})
            for _ in range(5):
                name, delta = await events.next()
                if c.id in {u["id"] for u in delta["members"]}:
                    break
            else:
                raise AssertionError("the newcomer never appeared")

        # staff only, and a room that does not exist is 404 before any stream
        chat = await enter(server.url)
        assert (await http.get(url, headers=auth(chat["token"]))).status_code == 401
        missing = await http.get(
            f"{server.url}/api/v1/staff/rooms/nowhere/stream", headers=auth(token)
        )
        assert missing.status_code == 404
    for client in (a, b, c):
        await client.close()
