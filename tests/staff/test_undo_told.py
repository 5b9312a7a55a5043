"""Undoing a decision tells the person, in "tu": live if connected, and in their notices
at their next connection otherwise (a ban closed their sockets; a mute undone while they
were away). Real server, real WebSockets."""

from __future__ import annotations

from tests.staff.test_cases import case_for, room_pair, say, staff_post
from tests.staffhelp import add_staff, login
from tests.wsclient import Client


def _act(server, mod: str, case_id: str, action: str, **extra) -> dict:
    r = staff_post(
        server, mod, f"/cases/{case_id}/actions", {"action": action, "reason": "spam", **extra}
    )
    assert r.status_code == 200, r.text
    return r.json()["sanction"]


async def test_a_ban_undone_is_told_at_the_next_connection(server):
    mod = login(server, add_staff(server))
    a, b = await room_pair(server)
    msg = await say(a, "general", "qui veut des billets pour le concert de samedi")
    await b.request({"type": "report", "reason": "spam", "message": msg["id"]})
    sanction = _act(server, mod, case_for(server, mod, msg["id"])["id"], "ban", duration_s=86400)
    assert (await a.wait_type("sanction"))["action"] == "ban"
    assert await a.closed == 4003

    removed = await b.wait_type("message_removed", id=msg["id"])
    start = b.frames.index(removed)
    undo = staff_post(server, mod, f"/sanctions/{sanction['id']}/undo", {"note": "erreur"})
    assert undo.status_code == 200, undo.text
    # the session is active again: its next connection is told why it may come back
    back = await Client.connect(server.ws_url, a.session)
    told = await back.wait_type("notice", key=f"lifted:{sanction['id']}")
    assert "bannissement est levé" in told["text"] and "\u00a0:" in told["text"]
    assert "vous" not in told["text"].lower()
    # ... and the message the ban took down is back for the others
    await b.wait_for(
        lambda f: f["type"] == "message" and f["message"]["id"] == msg["id"], start=start
    )
    for c in (back, b):
        await c.close()


async def test_a_mute_undone_while_away_is_in_the_notices_of_the_next_connection(server):
    mod = login(server, add_staff(server))
    a, b = await room_pair(server)
    msg = await say(a, "general", "vends vélo de course très bon état, prix à débattre")
    await b.request({"type": "report", "reason": "spam", "message": msg["id"]})
    sanction = _act(server, mod, case_for(server, mod, msg["id"])["id"], "mute", duration_s=600)
    assert (await a.wait_type("sanction"))["action"] == "mute"
    await a.close()  # away: the directory still lists the person for a while

    assert staff_post(server, mod, f"/sanctions/{sanction['id']}/undo").status_code == 200
    back = await Client.connect(server.ws_url, a.session)
    told = await back.wait_type("notice", key=f"lifted:{sanction['id']}")
    assert "sourdine est levée" in told["text"]
    await back.request({"type": "join", "room": "general"})
    ok = await back.request({"type": "say", "room": "general", "text": "merci pour la levée"})
    assert ok["type"] == "ack", ok
    for c in (back, b):
        await c.close()
