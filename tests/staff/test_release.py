"""What a decision kept from view comes back when the decision says so: a held message
found fine is published to everyone, a held message found wrong is never shown, and a
deletion undone puts the message back on every screen."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from tests.staff.test_cases import case_for, room_pair, say, staff_get, staff_post
from tests.staffhelp import add_staff, auth, login
from tests.wsclient import Client


async def _held(server, client: Client, room: str, text: str) -> dict[str, Any]:
    """Send until the run-time term is loaded and the message is held for review."""
    for _ in range(40):
        reply = await client.request({"type": "say", "room": room, "text": text})
        if reply["type"] == "rejected" and reply["code"] == "held":
            return reply
        assert reply["type"] == "ack", reply
        await asyncio.sleep(0.1)
    raise AssertionError("the message was never held")


def _hold_term(server) -> str:
    """A word that makes the engine hold a message for review (a run-time term)."""
    word = "attente" + uuid.uuid4().hex[:8]
    admin = login(server, add_staff(server, "admin"))
    r = httpx.post(
        f"{server.url}/api/v1/admin/terms",
        headers=auth(admin),
        json={"term": word, "category": "spam", "action": "hold"},
    )
    assert r.status_code == 201, r.text
    return word


async def test_a_held_message_found_fine_is_published_to_everyone(server):
    word = _hold_term(server)
    mod = login(server, add_staff(server))
    a, b = await room_pair(server, "cinema-series")
    held = await _held(server, a, "cinema-series", f"vous avez vu le film {word} hier ?")
    message_id = held["message_id"]
    await b.settle()
    assert message_id not in [f["message"]["id"] for f in b.received("message")]
    case = case_for(server, mod, message_id)
    assert case["automated"] and case["subject"] == {"kind": "message", "id": message_id}
    r = staff_post(
        server, mod, f"/cases/{case['id']}/actions", {"action": "dismiss", "reason": "spam"}
    )
    assert r.status_code == 200, r.text
    published = await b.wait_for(
        lambda f: f["type"] == "message" and f["message"]["id"] == message_id
    )
    assert published["message"]["room"] == "cinema-series" and word in published["message"]["text"]
    fate = await a.wait_type("notice", message_id=message_id)
    assert fate["outcome"] == "published" and "publié" in fate["text"]
    await a.wait_for(lambda f: f["type"] == "message" and f["message"]["id"] == message_id)
    history = await b.request({"type": "history", "room": "cinema-series"})
    assert message_id in [m["id"] for m in history["messages"]]
    for c in (a, b):
        await c.close()


async def test_a_held_message_acted_on_is_never_shown(server):
    word = _hold_term(server)
    mod = login(server, add_staff(server))
    a, b = await room_pair(server, "sport")
    held = await _held(server, a, "sport", f"qui vient courir {word} dimanche ?")
    case = case_for(server, mod, held["message_id"])
    r = staff_post(
        server, mod, f"/cases/{case['id']}/actions", {"action": "warn", "reason": "spam"}
    )
    assert r.status_code == 200, r.text
    fate = await a.wait_type("notice", message_id=held["message_id"])
    assert fate["outcome"] == "removed"
    # the rule it broke, in words (docs/protocol.md), and no internal code
    assert fate["reason"] == "l'interdiction du spam, article 5 des règles de Papote"
    assert "spam" not in fate["text"] and "vous" not in fate["text"].lower()
    await b.settle()
    assert held["message_id"] not in [f["message"]["id"] for f in b.received("message")]
    history = await b.request({"type": "history", "room": "sport"})
    assert held["message_id"] not in [m["id"] for m in history["messages"]]
    for c in (a, b):
        await c.close()


async def test_an_undone_deletion_puts_the_message_back(server):
    mod = login(server, add_staff(server))
    a, b = await room_pair(server, "bretagne")
    msg = await say(a, "bretagne", "quelqu'un connaît un bon camping en Bretagne ?")
    await b.request({"type": "report", "reason": "spam", "message": msg["id"]})
    case = case_for(server, mod, msg["id"])
    r = staff_post(
        server, mod, f"/cases/{case['id']}/actions", {"action": "delete", "reason": "spam"}
    )
    assert r.status_code == 200, r.text
    assert (await b.wait_type("message_removed"))["id"] == msg["id"]
    b.frames.clear()
    undo = staff_post(server, mod, f"/sanctions/{r.json()['sanction']['id']}/undo")
    assert undo.status_code == 200, undo.text
    back = await b.wait_for(lambda f: f["type"] == "message" and f["message"]["id"] == msg["id"])
    assert back["message"]["text"] == msg["text"]
    told = await a.wait_type("notice", message_id=msg["id"])
    assert told["outcome"] == "published" and "rétabli" in told["text"]
    detail = staff_get(server, mod, f"/cases/{case['id']}").json()["case"]
    assert detail["evidence"]["content"]["state"] == "delivered"
    for c in (a, b):
        await c.close()


async def test_the_fate_of_a_held_message_reaches_a_sender_who_was_away(server):
    """Decided while the sender had no socket open: told at their next connection."""
    word = _hold_term(server)
    mod = login(server, add_staff(server))
    a, b = await room_pair(server, "musique")
    held = await _held(server, a, "musique", f"nouvel album {word} dispo ce soir")
    await a.close()
    case = case_for(server, mod, held["message_id"])
    r = staff_post(
        server, mod, f"/cases/{case['id']}/actions", {"action": "delete", "reason": "spam"}
    )
    assert r.status_code == 200, r.text
    back = await Client.connect(server.ws_url, a.session)
    fate = await back.wait_type("notice", message_id=held["message_id"])
    assert fate["outcome"] == "removed" and fate["reason"].startswith("l'interdiction du spam")
    for c in (back, b):
        await c.close()
