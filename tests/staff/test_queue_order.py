"""The queue's order end to end (moderation/severity.py): within one severity the
oldest case first; a trusted flagger's notice above ordinary ones; a case held up only
by a reporter whose reports were dismissed behind every other case."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.staff.test_cases import say, staff_get, staff_post
from tests.staffhelp import add_staff, login
from tests.wsclient import Client

FLAGGER_KEY = "cle-de-signaleur-de-confiance-ordre-0123456789"


def _queue(server, token: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    query = "/cases?state=open"
    while True:
        page = staff_get(server, token, query).json()
        cases += page["cases"]
        if not page.get("next"):
            return cases
        query = f"/cases?state=open&after={page['next']}"


def _notice(server, pseudo: str, category: str, key: str | None = None) -> None:
    headers = {"X-Trusted-Flagger-Key": key} if key else {}
    body = {"url_or_id": pseudo, "category": category, "explanation": "vu dans le salon"}
    r = httpx.post(f"{server.url}/api/v1/notices", json=body, headers=headers)
    assert r.status_code == 201, r.text


async def test_age_trusted_flaggers_and_reporter_record_order_the_queue(fresh_server):
    fresh_server.env["PAPOTE_TRUSTED_FLAGGERS"] = json.dumps({"asso": FLAGGER_KEY})
    server = fresh_server.start()
    mod = login(server, add_staff(server))
    first, second, flagged = [await Client.enter(server) for _ in range(3)]
    _notice(server, first.user["pseudo"], "spam")
    _notice(server, second.user["pseudo"], "spam")
    _notice(server, flagged.user["pseudo"], "spam", FLAGGER_KEY)  # the newest of the three

    # a reporter whose three reports were dismissed, and a newcomer
    author = await Client.enter(server)
    poor, newcomer = await Client.enter(server), await Client.enter(server, gender="femme")
    for c in (author, poor, newcomer):
        await c.request({"type": "join", "room": "general"})
    for n in range(3):
        msg = await say(author, "general", f"bonjour numéro {n}, il fait beau à Lyon")
        await poor.request({"type": "report", "reason": "harassment", "message": msg["id"]})
        case = next(c for c in _queue(server, mod) if c["subject"]["id"] == msg["id"])
        dismiss = {"action": "dismiss", "reason": "harassment"}
        done = staff_post(server, mod, f"/cases/{case['id']}/actions", dismiss)
        assert done.status_code == 200, done.text
    low = await say(author, "general", "on se retrouve au parc ce soir ?")
    await poor.request({"type": "report", "reason": "harassment", "message": low["id"]})
    later = await say(author, "general", "je passe vous prendre à vingt heures")
    await newcomer.request({"type": "report", "reason": "harassment", "message": later["id"]})

    order = [c["subject"]["id"] for c in _queue(server, mod)]
    place = {subject: i for i, subject in enumerate(order)}
    p1, p2, p3 = first.id, second.id, flagged.id
    assert place[p3] < place[p1] < place[p2], "trusted flagger first, then oldest first"
    # same category (harassment), the newcomer's later report ranks first
    assert place[later["id"]] < place[low["id"]]
    # and the poor reporter's case waits behind every other case, spam included
    assert place[low["id"]] == len(order) - 1, order
    for c in (first, second, flagged, author, poor, newcomer):
        await c.close()
