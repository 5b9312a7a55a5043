"""Sanctions take effect on every node at once: a moderator on node A mutes then bans a
person connected to node B (Redis broker, shared PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import postgres_url, redis_url
from tests.serverproc import RELAXED, ServerProcess
from tests.staff.test_cases import case_for, say, staff_post
from tests.staffhelp import add_staff, login
from tests.wsclient import Client


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[ServerProcess, ServerProcess]]:
    env = {**RELAXED, "PAPOTE_DATABASE_URL": postgres_url(), "PAPOTE_REDIS_URL": redis_url(2)}
    env["PAPOTE_SECRET_KEY"] = "shared-cluster-secret-for-console-tests-0123"
    a = ServerProcess({**env, "PAPOTE_NODE_NAME": "node-a"}).start()
    b = ServerProcess({**env, "PAPOTE_NODE_NAME": "node-b"}).start()
    yield a, b
    a.stop()
    b.stop()


async def test_mute_and_ban_cross_nodes(cluster):
    node_a, node_b = cluster
    mod = login(node_a, add_staff(node_a))
    offender = await Client.enter(node_b)
    witness = await Client.enter(node_a, gender="femme")
    for c in (offender, witness):
        await c.request({"type": "join", "room": "general"})
    msg = await say(offender, "general", "qui regarde le match ce soir ?")
    await witness.request({"type": "report", "reason": "harassment", "message": msg["id"]})
    case = case_for(node_a, mod, msg["id"])
    r = staff_post(
        node_a,
        mod,
        f"/cases/{case['id']}/actions",
        {"action": "mute", "reason": "harassment", "duration_s": 300},
    )
    assert r.status_code == 200, r.text
    assert (await offender.wait_type("sanction"))["action"] == "mute"
    refused = await offender.request({"type": "say", "room": "general", "text": "toujours là"})
    assert refused["code"] == "muted"
    # the room lock set on node A holds on node B too
    lock = staff_post(node_a, mod, "/rooms/general/actions", {"action": "lock", "reason": "spam"})
    assert lock.status_code == 200
    await witness.wait_type("notice", key="room:general")
    staff_post(node_a, mod, f"/sanctions/{r.json()['sanction']['id']}/undo")
    await offender.wait_type("notice", key=f"lifted:{r.json()['sanction']['id']}")
    locked = await offender.request({"type": "say", "room": "general", "text": "verrou ?"})
    assert locked["code"] == "room_locked"
    staff_post(node_a, mod, f"/sanctions/{lock.json()['sanction']['id']}/undo")
    await witness.request({"type": "report", "reason": "hate", "user": offender.id})
    person = case_for(node_a, mod, offender.id)
    ban = staff_post(
        node_a, mod, f"/cases/{person['id']}/actions", {"action": "ban", "reason": "hate"}
    )
    assert ban.status_code == 200
    assert (await offender.wait_type("sanction", action="ban"))["reason"] == "hate"
    assert await offender.closed == 4003
    await witness.close()


async def test_a_takedown_on_one_node_disappears_on_the_other(cluster):
    """A deletion decided on node A takes the message off the screen of a reader on
    node B, in a room and in a private conversation, and out of B's history."""
    node_a, node_b = cluster
    mod = login(node_a, add_staff(node_a))
    author = await Client.enter(node_a)
    reader = await Client.enter(node_b, gender="femme")
    for c in (author, reader):
        await c.request({"type": "join", "room": "bretagne"})
    in_room = await say(author, "bretagne", "quelqu'un pour une balade à Brocéliande ?")
    await reader.message(in_room["text"])  # delivered on node B first
    dm = await author.request({"type": "dm", "to": reader.id, "text": "on se voit samedi ?"})
    assert dm["type"] == "ack", dm
    for message in (in_room, dm["message"]):
        await reader.request({"type": "report", "reason": "harassment", "message": message["id"]})
        case = case_for(node_a, mod, message["id"])
        delete = {"action": "delete", "reason": "harassment"}
        r = staff_post(node_a, mod, f"/cases/{case['id']}/actions", delete)
        assert r.status_code == 200, r.text
        removed = await reader.wait_type("message_removed", id=message["id"])
        if message is in_room:
            assert removed["room"] == "bretagne"
        else:
            assert removed["dm"] == author.id
    page = await reader.request({"type": "history", "room": "bretagne"})
    assert in_room["id"] not in [m["id"] for m in page["messages"]]
    talk = await reader.request({"type": "history", "with": author.id})
    assert dm["message"]["id"] not in [m["id"] for m in talk["messages"]]
    for c in (author, reader):
        await c.close()
