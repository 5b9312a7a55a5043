"""From a user's report to a ban, against a real server over real WebSockets.

A report opens a case; the moderator sees it first when it is the worst, reads the
evidence, bans; the banned person gets the statement over the socket and is closed;
the ban holds across reconnection and a new entry from the same browser, while a
neighbour on the same address still gets in; the reporter learns the outcome.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.staffhelp import add_staff, auth, login
from tests.wsclient import Client, enter


def staff_get(server, token: str, path: str) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v1/staff{path}", headers=auth(token))


def staff_post(server, token: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/staff{path}", headers=auth(token), json=body or {})


async def room_pair(server, room: str = "general") -> tuple[Client, Client]:
    a = await Client.enter(server)
    b = await Client.enter(server, gender="femme")
    for c in (a, b):
        await c.request({"type": "join", "room": room})
    return a, b


async def say(client: Client, room: str, text: str) -> dict[str, Any]:
    frame = {"type": "say", "room": room, "text": text}
    reply = await client.request(frame)
    if reply.get("code") == "confirm":  # the engine warned: send it anyway, as people can
        reply = await client.request({**frame, "confirm": reply["confirm"]})
    assert reply["type"] == "ack", reply
    return reply["message"]


def case_for(server, token: str, subject_id: str, state: str = "open") -> dict[str, Any]:
    """The one case on ``subject_id``, looked for through every page of the queue (a
    server shared by several tests holds more than a page)."""
    found: list[dict[str, Any]] = []
    query = f"/cases?state={state}"
    while True:
        page = staff_get(server, token, query).json()
        found += [c for c in page["cases"] if c["subject"]["id"] == subject_id]
        if not page.get("next"):
            break
        query = f"/cases?state={state}&after={page['next']}"
    assert len(found) == 1, (subject_id, found)
    return found[0]


async def reported_in_room(
    server, token: str, room: str, text: str, reason: str = "harassment"
) -> tuple[Client, Client, dict[str, Any], dict[str, Any]]:
    """``a`` says ``text`` in ``room``, ``b`` reports it: the two people, the message and
    its case as the moderator ``token`` sees it."""
    a, b = await room_pair(server, room)
    msg = await say(a, room, text)
    await b.request({"type": "report", "reason": reason, "message": msg["id"]})
    return a, b, msg, case_for(server, token, msg["id"])


def act(server, token: str, case: dict[str, Any], action: str, reason: str) -> dict[str, Any]:
    """One decision on ``case``; it must be taken."""
    r = staff_post(
        server, token, f"/cases/{case['id']}/actions", {"action": action, "reason": reason}
    )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def room_act(server, token: str, room: str, action: str, reason: str) -> dict[str, Any]:
    """One decision on a room (close, lock, slow mode); it must be taken."""
    r = staff_post(server, token, f"/rooms/{room}/actions", {"action": action, "reason": reason})
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def test_report_to_ban_end_to_end(server):
    mod_token = login(server, add_staff(server))
    man, woman = await room_pair(server)
    first = await say(man, "general", "bonjour")
    insult = await say(man, "general", "tu viens souvent ici le soir ?")
    await say(woman, "general", "oui, presque tous les jours")
    reply = await woman.request(
        {"type": "report", "reason": "harassment", "message": insult["id"], "comment": "insultes"}
    )
    assert reply["type"] == "ok"
    # a second report on the same message joins the same case (duplicates merge)
    await woman.request({"type": "report", "reason": "harassment", "message": insult["id"]})
    case = case_for(server, mod_token, insult["id"])
    assert case["reports"] == 2 and case["category"] == "harassment" and not case["automated"]
    assert case["subject"] == {"kind": "message", "id": insult["id"]}
    assert case["user"]["id"] == man.id and case["time_left_ms"] > 0

    detail = staff_get(server, mod_token, f"/cases/{case['id']}").json()["case"]
    evidence = detail["evidence"]
    assert evidence["content"]["text"] == insult["text"]
    texts = [m["text"] for m in evidence["context"]]  # the room is shared with other tests
    at = texts.index(insult["text"])
    assert texts[at - 1 : at + 2] == ["bonjour", insult["text"], "oui, presque tous les jours"], (
        texts
    )
    assert first["id"] in [m["id"] for m in evidence["context"]]
    assert evidence["network"]["prefix_key"] and evidence["network"]["browser_key"]
    assert [e["kind"] for e in detail["events"]] == ["reported", "reported"]

    assert staff_post(server, mod_token, f"/cases/{case['id']}/claim").status_code == 200
    acted = staff_post(
        server,
        mod_token,
        f"/cases/{case['id']}/actions",
        {"action": "ban", "reason": "harassment", "duration_s": 86400, "note": "récidive"},
    )
    assert acted.status_code == 200, acted.text
    body = acted.json()
    assert body["case"]["state"] == "closed"
    assert [e["kind"] for e in body["case"]["events"]][-1] == "action"

    sanction = await man.wait_type("sanction")
    assert sanction["action"] == "ban" and sanction["reason"] == "harassment"
    statement = sanction["statement"]
    assert "pendant 1 jour" in statement and "harcèlement" in statement
    assert "un modérateur" in statement and "contester" in statement
    assert "harassment" not in statement and insult["text"] in statement
    assert await man.closed == 4003

    # the ban holds across reconnection ...
    again = await Client.connect(server.ws_url, man.session, hello=False)
    await again.send({"type": "hello", "token": man.session["token"]})
    answer = await again.wait_for(lambda f: f["type"] in ("error", "welcome"))
    assert answer["type"] == "error" and answer["code"] == "banned"
    # ... and a new entry from the same browser
    async with httpx.AsyncClient(base_url=server.url, cookies=man.session["cookies"]) as http:
        refused = await http.post(
            "/api/v1/session",
            json={"pseudo": "Revenant1", "age": 30, "gender": "homme", "postal_code": "75011"},
        )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "banned"
    # a neighbour on the same address (another browser) still gets in
    neighbour = await enter(server.url)
    assert neighbour["token"]

    # the reporter learns the outcome
    outcome = await woman.wait_type("notice", key=f"report:{case['id']}")
    assert "mesure" in outcome["text"]
    # the message is gone from everyone's screen
    removed = await woman.wait_type("message_removed")
    assert removed["id"] == insult["id"]
    for c in (woman, again):
        await c.close()


async def test_report_about_nothing_answers_alike_and_opens_no_case(server):
    mod_token = login(server, add_staff(server))
    reporter = await Client.enter(server)
    ghost = await reporter.request({"type": "report", "reason": "child_safety", "user": "uNOBODY"})
    ghost_msg = await reporter.request(
        {"type": "report", "reason": "child_safety", "message": "0000000000000"}
    )
    assert ghost["type"] == ghost_msg["type"] == "ok" and ghost["report"]
    cases = staff_get(server, mod_token, "/cases").json()["cases"]
    assert all(c["subject"]["id"] not in ("uNOBODY", "0000000000000") for c in cases)
    await reporter.close()


async def test_worst_first_and_child_safety_hidden(server):
    plain = login(server, add_staff(server))
    trained = login(server, add_staff(server, "moderator", "child_safety"))
    a, b = await room_pair(server)
    spam = await say(a, "general", "bonjour, je suis nouveau ici")
    await b.request({"type": "report", "reason": "spam", "message": spam["id"]})
    await b.request({"type": "report", "reason": "child_safety", "user": a.id})
    seen = staff_get(server, trained, "/cases").json()["cases"]
    ids = [c["subject"]["id"] for c in seen]
    assert ids.index(a.id) < ids.index(spam["id"]), "child safety must come first"
    hidden = staff_get(server, plain, "/cases").json()["cases"]
    assert a.id not in [c["subject"]["id"] for c in hidden]
    cs = next(c for c in seen if c["subject"]["id"] == a.id)
    assert staff_get(server, plain, f"/cases/{cs['id']}").status_code == 404
    assert staff_get(server, trained, f"/cases/{cs['id']}").status_code == 200
    for c in (a, b):
        await c.close()


async def test_chat_token_and_moderator_limits(server):
    session = await enter(server.url)
    for path in ("/cases", "/appeals"):
        r = staff_get(server, session["token"], path)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = staff_post(server, session["token"], "/rooms/general/actions", {"action": "lock"})
    assert r.status_code == 401
    mod = login(server, add_staff(server))
    bad = staff_post(server, mod, "/cases/cNOPE/actions", {"action": "ban", "reason": "hate"})
    assert bad.status_code == 404


async def test_mute_is_real_and_undo_lifts_it(server):
    mod = login(server, add_staff(server))
    a, b = await room_pair(server)
    msg = await say(a, "general", "il fait beau à Lyon aujourd'hui")
    await b.request({"type": "report", "reason": "harassment", "message": msg["id"]})
    case = case_for(server, mod, msg["id"])
    r = staff_post(
        server,
        mod,
        f"/cases/{case['id']}/actions",
        {"action": "mute", "reason": "harassment", "duration_s": 600},
    )
    assert r.status_code == 200, r.text
    sanction = await a.wait_type("sanction")
    assert sanction["action"] == "mute" and sanction["until"] > 0
    assert "pendant 10 minutes" in sanction["statement"]
    refused = await a.request({"type": "say", "room": "general", "text": "encore"})
    assert refused["type"] == "rejected" and refused["code"] == "muted"
    # the mute survives a reconnection
    await a.close()
    a2 = await Client.connect(server.ws_url, a.session)
    await a2.request({"type": "join", "room": "general"})
    still = await a2.request({"type": "say", "room": "general", "text": "et là ?"})
    assert still["code"] == "muted"
    undo = staff_post(
        server, mod, f"/sanctions/{r.json()['sanction']['id']}/undo", {"note": "erreur"}
    )
    assert undo.status_code == 200 and undo.json()["sanction"]["revoked_at"]
    await a2.wait_type("notice", key=f"lifted:{r.json()['sanction']['id']}")
    thanks = await a2.request({"type": "say", "room": "general", "text": "merci"})
    assert thanks["type"] == "ack", thanks
    assert (
        staff_post(server, mod, f"/sanctions/{r.json()['sanction']['id']}/undo").status_code == 409
    )
    for c in (a2, b):
        await c.close()


async def test_kick_takes_out_of_the_room(server):
    mod = login(server, add_staff(server))
    a, b = await room_pair(server, "amitie")
    msg = await say(a, "amitie", "quelqu'un joue à la pétanque ?")
    await b.request({"type": "report", "reason": "harassment", "message": msg["id"]})
    case = case_for(server, mod, msg["id"])
    r = staff_post(
        server, mod, f"/cases/{case['id']}/actions", {"action": "kick", "reason": "harassment"}
    )
    assert r.status_code == 200, r.text
    kick = await a.wait_type("sanction")
    assert kick["action"] == "kick" and "« Amitié »" in kick["statement"]
    assert kick["room"] == "amitie", kick  # extension: the room, for the page to close it
    left = await b.wait_type("member_left", room="amitie")
    assert left["user"]["id"] == a.id
    refused = await a.request({"type": "say", "room": "amitie", "text": "re"})
    assert refused["type"] == "rejected" and refused["code"] == "not_member"
    rejoin = await a.request({"type": "join", "room": "amitie"})
    assert rejoin["type"] == "error" and rejoin["code"] == "kicked"
    for c in (a, b):
        await c.close()


async def test_a_kick_on_a_person_takes_them_out_of_every_room(server):
    mod = login(server, add_staff(server))
    a, b = await room_pair(server, "musique")
    for c in (a, b):
        await c.request({"type": "join", "room": "cuisine"})
    await b.request({"type": "report", "reason": "harassment", "user": a.id})
    act(server, mod, case_for(server, mod, a.id), "kick", "harassment")
    kick = await a.wait_type("sanction")
    assert kick["action"] == "kick" and kick["room"] is None, kick  # every room
    for room in ("musique", "cuisine"):
        left = await b.wait_type("member_left", room=room)
        assert left["user"]["id"] == a.id
        refused = await a.request({"type": "say", "room": room, "text": "re"})
        assert refused["type"] == "rejected" and refused["code"] == "not_member"
    for c in (a, b):
        await c.close()


async def test_one_decision_on_all_of_an_authors_open_cases(server):
    mod = login(server, add_staff(server))
    a, b = await room_pair(server, "jeux-video")
    one = await say(a, "jeux-video", "quelqu'un joue en ligne ce soir ?")
    two = await say(a, "jeux-video", "je cherche une équipe pour le tournoi")
    for subject in ({"message": one["id"]}, {"message": two["id"]}, {"user": a.id}):
        assert (await b.request({"type": "report", "reason": "spam", **subject}))["type"] == "ok"
    first = case_for(server, mod, one["id"])
    others = {case_for(server, mod, two["id"])["id"], case_for(server, mod, a.id)["id"]}
    r = staff_post(
        server,
        mod,
        f"/cases/{first['id']}/actions",
        {"action": "delete", "reason": "spam", "all_of_author": True},
    )
    assert r.status_code == 200, r.text
    assert set(r.json()["also_closed"]) == others
    removed = {(await b.wait_type("message_removed", id=m["id"]))["id"] for m in (one, two)}
    assert removed == {one["id"], two["id"]}
    for case_id in others:
        detail = staff_get(server, mod, f"/cases/{case_id}").json()["case"]
        assert (
            detail["state"] == "closed" and detail["events"][-1]["data"]["with_case"] == first["id"]
        )
        await b.wait_type("notice", key=f"report:{case_id}")
    history = await b.request({"type": "history", "room": "jeux-video"})
    assert not {one["id"], two["id"]} & {m["id"] for m in history["messages"]}
    bad = staff_post(
        server,
        mod,
        f"/cases/{first['id']}/actions",
        {"action": "warn", "reason": "spam", "all_of_author": "oui"},
    )
    assert bad.status_code == 400
    for c in (a, b):
        await c.close()


async def test_two_moderators_do_not_overwrite_each_other(server):
    """Claiming, notes and the version a decision was taken on (Discourse's locking)."""
    first = login(server, add_staff(server))
    second = login(server, add_staff(server))
    a, b = await room_pair(server, "cuisine")
    msg = await say(a, "cuisine", "qui a une recette de tarte aux poireaux ?")
    await b.request({"type": "report", "reason": "spam", "message": msg["id"]})
    case = case_for(server, first, msg["id"])
    seen = case["version"]
    note = staff_post(server, second, f"/cases/{case['id']}/notes", {"text": "à revoir"})
    assert note.status_code == 200, note.text
    stale = staff_post(
        server,
        first,
        f"/cases/{case['id']}/actions",
        {"action": "warn", "reason": "spam", "version": seen},
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert staff_post(server, second, f"/cases/{case['id']}/claim").status_code == 200
    taken = staff_post(server, first, f"/cases/{case['id']}/claim")
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "claimed"
    blocked = staff_post(
        server, first, f"/cases/{case['id']}/actions", {"action": "warn", "reason": "spam"}
    )
    assert blocked.status_code == 409 and blocked.json()["error"]["code"] == "claimed"
    assert "Dossier pris par" in blocked.json()["error"]["message"]
    released = staff_post(server, second, f"/cases/{case['id']}/claim", {"release": True})
    assert released.status_code == 200
    fresh = staff_get(server, first, f"/cases/{case['id']}").json()["case"]
    done = staff_post(
        server,
        first,
        f"/cases/{case['id']}/actions",
        {"action": "dismiss", "reason": "spam", "version": fresh["version"]},
    )
    assert done.status_code == 200, done.text
    kinds = [e["kind"] for e in done.json()["case"]["events"]]
    assert kinds == ["reported", "note", "claimed", "unclaimed", "action"]
    again = staff_post(
        server, first, f"/cases/{case['id']}/actions", {"action": "warn", "reason": "spam"}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "case_closed"
    for c in (a, b):
        await c.close()


async def test_a_suspension_keeps_the_case_open_for_review(server):
    mod = login(server, add_staff(server))
    a, b, _, case = await reported_in_room(
        server, mod, "18-25", "quelqu'un est déjà allé à Lisbonne ?"
    )
    decided = act(server, mod, case, "suspend", "harassment")
    assert decided["case"]["state"] == "open", "a suspension waits for a human decision"
    frame = await a.wait_type("sanction")
    # told as a suspension pending review (protocol extension), never as a ban
    assert frame["action"] == "suspend" and frame["reason"] == "harassment"
    assert "pendant 30 jours au plus" in frame["statement"]
    assert await a.closed == 4003
    async with httpx.AsyncClient(base_url=server.url, cookies=a.session["cookies"]) as http:
        refused = await http.post(
            "/api/v1/session",
            json={"pseudo": "Retour1", "age": 30, "gender": "homme", "postal_code": "75011"},
        )
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "banned"
        # the appeal works as for a ban, from the same browser
        seen = await http.get("/api/v1/appeals")
        assert seen.status_code == 200 and seen.json()["decision"]["action"] == "suspend"
        appeal = await http.post("/api/v1/appeals", json={"text": "Je parlais de voyages."})
        assert appeal.status_code == 201 and appeal.json()["appeal"]["state"] == "open"
    await b.close()


async def test_a_closed_room_empties_and_refuses_joins(server):
    mod = login(server, add_staff(server))
    a, b = await room_pair(server, "corse")
    closed = room_act(server, mod, "corse", "close", "spam")
    assert closed["room"]["mode"] == "closed"
    for c in (a, b):
        await c.wait_type("notice", key="room:corse")
    await a.settle(0.2)
    refused = await a.request({"type": "say", "room": "corse", "text": "il y a quelqu'un ?"})
    assert refused["type"] == "rejected" and refused["code"] == "not_member", refused
    join = await a.request({"type": "join", "room": "corse"})
    assert join["type"] == "error" and join["code"] == "room_closed", join
    undo = staff_post(server, mod, f"/sanctions/{closed['sanction']['id']}/undo")
    assert undo.status_code == 200
    await a.settle(0.2)
    assert (await a.request({"type": "join", "room": "corse"}))["type"] != "error"
    for c in (a, b):
        await c.close()
