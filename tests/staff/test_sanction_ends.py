"""A temporary sanction that runs out tells the person: a muted person still connected
gets a notice when the mute ends; a later session of the banned browser hears, once,
that the ban or suspension is over. Real server (sanctions as short as a second, the
sweep every 0.2 s), real WebSockets, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import postgres_url
from tests.serverproc import RELAXED, ServerProcess
from tests.staff.test_cases import case_for, room_pair, say, staff_post
from tests.staffhelp import add_staff, login
from tests.wsclient import Client, enter, unique_pseudo

SHORT = {"PAPOTE_MIN_SANCTION_S": "1", "PAPOTE_SANCTION_END_CHECK_S": "0.2"}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def quick(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    env = {**RELAXED, **SHORT}
    if request.param == "postgres":
        env["PAPOTE_DATABASE_URL"] = postgres_url()
    proc = ServerProcess(env).start()
    yield proc
    proc.stop()


def _act(server: ServerProcess, mod: str, case_id: str, action: str, seconds: int) -> dict:
    body = {"action": action, "reason": "spam", "duration_s": seconds}
    r = staff_post(server, mod, f"/cases/{case_id}/actions", body)
    assert r.status_code == 200, r.text
    return r.json()["sanction"]


async def _enter_again(server: ServerProcess, cookies: dict[str, str]) -> Client:
    """A new session of the same browser (its cookie sent back)."""
    body = {"pseudo": unique_pseudo(), "age": 30, "gender": "homme", "postal_code": "75011"}
    async with httpx.AsyncClient(base_url=server.url, cookies=cookies) as http:
        r = await http.post("/api/v1/session", json=body)
    assert r.status_code == 201, r.text
    return await Client.connect(server.ws_url, r.json())


def _ended(client: Client, sanction_id: str) -> list[dict]:
    return [f for f in client.frames if f.get("key") == f"ended:{sanction_id}"]


async def test_a_mute_that_ends_tells_the_connected_person(quick):
    mod = login(quick, add_staff(quick))
    a, b = await room_pair(quick)
    msg = await say(a, "general", "on se retrouve au marché dimanche")
    await b.request({"type": "report", "reason": "spam", "message": msg["id"]})
    sanction = _act(quick, mod, case_for(quick, mod, msg["id"])["id"], "mute", 2)
    assert (await a.wait_type("sanction"))["action"] == "mute"
    no = await a.request({"type": "say", "room": "general", "text": "je peux parler ?"})
    assert no["type"] == "rejected" and no["code"] == "muted", no
    told = await a.wait_type("notice", timeout=15, key=f"ended:{sanction['id']}")
    assert told["text"].startswith("Ta mise en sourdine est terminée\u00a0: tu peux")
    assert "vous" not in told["text"].lower()
    ok = await a.request({"type": "say", "room": "general", "text": "merci, me revoilà"})
    assert ok["type"] == "ack", ok
    # told once: the sweep went on, and a new connection of the session hears nothing more
    await asyncio.sleep(1)
    again = await Client.connect(quick.ws_url, a.session)
    await again.request({"type": "join", "room": "general"})
    assert len(_ended(a, sanction["id"])) == 1 and _ended(again, sanction["id"]) == []
    for c in (a, again, b):
        await c.close()


@pytest.mark.parametrize(
    ("action", "words"),
    [("ban", "Ton bannissement est terminé"), ("suspend", "Ta suspension est terminée")],
)
async def test_a_ban_that_ends_is_told_to_the_next_session_of_the_browser(quick, action, words):
    mod = login(quick, add_staff(quick))
    first = await enter(quick.url)
    a = await Client.connect(quick.ws_url, first)
    b = await Client.enter(quick, gender="femme")
    for c in (a, b):
        await c.request({"type": "join", "room": "general"})
    msg = await say(a, "general", "quelqu'un a un bon livre à conseiller")
    await b.request({"type": "report", "reason": "spam", "message": msg["id"]})
    sanction = _act(quick, mod, case_for(quick, mod, msg["id"])["id"], action, 3)
    assert await a.closed == 4003
    body = {"pseudo": "Brvtlmn", "age": 30, "gender": "homme", "postal_code": "75011"}
    async with httpx.AsyncClient(base_url=quick.url, cookies=first["cookies"]) as http:
        refused = await http.post("/api/v1/session", json=body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "banned"

    await asyncio.sleep(3.5)  # the ban runs out; the same browser enters again
    later = await _enter_again(quick, first["cookies"])
    told = await later.wait_type("notice", key=f"ended:{sanction['id']}")
    assert told["text"].startswith(words + "\u00a0: tu peux de nouveau utiliser Papote.")
    assert "vous" not in told["text"].lower()
    await later.request({"type": "join", "room": "general"})
    ok = await later.request({"type": "say", "room": "general", "text": "bonsoir tout le monde"})
    assert ok["type"] == "ack", ok
    # once: neither the next session of that browser nor the old session hears it again
    third = await _enter_again(quick, first["cookies"])
    await third.request({"type": "join", "room": "general"})
    assert _ended(third, sanction["id"]) == [] and len(_ended(later, sanction["id"])) == 1
    for c in (later, third, b):
        await c.close()
