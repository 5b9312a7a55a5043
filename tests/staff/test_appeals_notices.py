"""Appeals decided by another moderator, public notices, room actions and evidence
packages, against a real server."""

from __future__ import annotations

import asyncio
import base64
import json
import sqlite3
import time
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from tests.staff.test_cases import case_for, room_pair, say, staff_get, staff_post
from tests.staffhelp import add_staff, auth, login, papote
from tests.wsclient import Client


async def test_appeal_overturned_by_another_moderator(server):
    first = login(server, add_staff(server))
    second = login(server, add_staff(server))
    a, b = await room_pair(server)
    msg = await say(a, "general", "salut tout le monde, ça va ?")
    await b.request({"type": "report", "reason": "harassment", "message": msg["id"]})
    case = case_for(server, first, msg["id"])
    act = staff_post(
        server, first, f"/cases/{case['id']}/actions", {"action": "ban", "reason": "harassment"}
    )
    assert act.status_code == 200, act.text
    assert "sans limite de durée" in (await a.wait_type("sanction"))["statement"]
    assert await a.closed == 4003

    # the banned browser contests with its own cookie (its token is closed by the ban)
    cookies = a.session["cookies"]
    seen = httpx.get(f"{server.url}/api/v1/appeals", cookies=cookies)
    assert seen.status_code == 200 and seen.json()["decision"]["action"] == "ban"
    appeal = httpx.post(
        f"{server.url}/api/v1/appeals", cookies=cookies, json={"text": "C'était une blague."}
    )
    assert appeal.status_code == 201, appeal.text
    appeal_id = appeal.json()["appeal"]["id"]
    assert appeal.json()["appeal"]["state"] == "open"
    twice = httpx.post(f"{server.url}/api/v1/appeals", cookies=cookies, json={"text": "encore"})
    assert twice.status_code == 409
    # someone else's browser has nothing to contest
    stranger = httpx.post(f"{server.url}/api/v1/appeals", json={"text": "moi aussi"})
    assert stranger.status_code == 404

    listed = staff_get(server, second, "/appeals").json()["appeals"]
    assert appeal_id in [x["id"] for x in listed]
    same = staff_post(server, first, f"/appeals/{appeal_id}", {"decision": "overturn"})
    assert same.status_code == 403 and same.json()["error"]["code"] == "same_moderator"
    done = staff_post(server, second, f"/appeals/{appeal_id}", {"decision": "overturn"})
    assert done.status_code == 200 and done.json()["appeal"]["state"] == "overturned"

    # the sanction is reversed: the same browser enters again, the token works again
    async with httpx.AsyncClient(base_url=server.url, cookies=cookies) as http:
        back = await http.post(
            "/api/v1/session",
            json={"pseudo": "Revenue1", "age": 30, "gender": "femme", "postal_code": "75011"},
        )
    assert back.status_code == 201, back.text
    # told the answer at the next connection of that browser: the new session inherits
    # what was kept for the old one if the old one had left when it entered, otherwise
    # the old token, which works again, gets it
    fresh = await Client.connect(server.ws_url, back.json())
    again = await Client.connect(server.ws_url, a.session)
    key = f"appeal:{appeal_id}"
    waits = [asyncio.ensure_future(c.wait_type("notice", key=key)) for c in (fresh, again)]
    done_, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    answer = done_.pop().result()
    assert "donné raison" in answer["text"]
    state = httpx.get(f"{server.url}/api/v1/appeals", cookies=cookies).json()
    assert state["appeal"]["state"] == "overturned" and state["decision"]["revoked"]
    detail = staff_get(server, second, f"/cases/{case['id']}").json()["case"]
    assert [e["kind"] for e in detail["events"]][-2:] == ["appeal", "decision"]
    for c in (fresh, again, b):
        await c.close()


async def test_public_notice_opens_a_case_without_a_session(server):
    mod = login(server, add_staff(server))
    a, b = await room_pair(server)
    msg = await say(a, "general", "bonne soirée à tous")
    anonymous = httpx.post(
        f"{server.url}/api/v1/notices",
        json={
            "url_or_id": f"https://papote.example/#m={msg['id']}",
            "category": "scam",
            "explanation": "Vente de faux papiers.",
            "name": None,
            "email": None,
        },
    )
    assert anonymous.status_code == 201, anonymous.text
    assert anonymous.json()["notice"]["id"].startswith("n")
    case = case_for(server, mod, msg["id"])
    assert case["category"] == "scam" and not case["automated"]
    # child safety never needs a name or an e-mail
    pseudo = b.user["pseudo"]
    other = httpx.post(
        f"{server.url}/api/v1/notices",
        json={"url_or_id": f"@{pseudo}", "category": "child_safety", "explanation": "…"},
    )
    assert other.status_code == 201, other.text
    bad = httpx.post(
        f"{server.url}/api/v1/notices",
        json={"url_or_id": "x", "category": "nope", "explanation": "x", "email": "pas-un-mail"},
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_request"
    for c in (a, b):
        await c.close()


async def test_a_notice_about_nothing_is_refused_and_fills_no_queue(server):
    """The probe's finding: reports about subjects that do not exist were stored at the
    top of the queue (child safety). A public notice about nothing is refused, with what
    to give instead; a chat report about nothing is answered but not stored."""
    mod = login(server, add_staff(server, "moderator", "child_safety"))
    before = staff_get(server, mod, "/cases?state=open").json()["cases"]
    gone = await Client.enter(server)
    pseudo = gone.user["pseudo"]
    subjects = [
        "un lien ailleurs",
        "https://papote.example/#m=01JBZZZZZZZZZ",  # the shape of a message id, no message
        "@PersonneIci",
    ]
    for subject in subjects:
        refused = httpx.post(
            f"{server.url}/api/v1/notices",
            json={"url_or_id": subject, "category": "child_safety", "explanation": "…"},
        )
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error["code"] == "unknown_subject"
        assert "lien ou l'identifiant du message" in error["message"]
    # in the chat, a report about nothing answers like any other (it reveals nothing) and
    # is not stored either
    for ghost in ({"user": "u-does-not-exist"}, {"message": "01JBZZZZZZZZZ"}):
        answer = await gone.request({"type": "report", "reason": "child_safety", **ghost})
        assert answer["type"] == "ok" and answer["report"]
    after = staff_get(server, mod, "/cases?state=open").json()["cases"]
    assert {c["id"] for c in after} == {c["id"] for c in before}
    assert not [c for c in after if c["subject"]["kind"] == "notice"]
    # the same notice about someone connected is taken
    ok = httpx.post(
        f"{server.url}/api/v1/notices",
        json={"url_or_id": pseudo, "category": "child_safety", "explanation": "…"},
    )
    assert ok.status_code == 201, ok.text
    case = case_for(server, mod, gone.id)
    assert case["category"] == "child_safety"
    await gone.close()


async def test_room_lock_and_slow_mode_on_every_message(server):
    mod = login(server, add_staff(server))
    a, b = await room_pair(server, "musique")
    r = staff_post(server, mod, "/rooms/musique/actions", {"action": "lock", "reason": "spam"})
    assert r.status_code == 200, r.text
    await a.wait_type("notice", key="room:musique")
    refused = await a.request({"type": "say", "room": "musique", "text": "allo"})
    assert refused["type"] == "rejected" and refused["code"] == "room_locked"
    undo = staff_post(server, mod, f"/sanctions/{r.json()['sanction']['id']}/undo")
    assert undo.status_code == 200
    await a.settle(0.2)
    assert (await a.request({"type": "say", "room": "musique", "text": "re"}))["type"] == "ack"
    slow = staff_post(
        server, mod, "/rooms/musique/actions", {"action": "slow", "reason": "spam", "slow_s": 60}
    )
    assert slow.status_code == 200
    await a.settle(0.2)
    assert (await a.request({"type": "say", "room": "musique", "text": "un"}))["type"] == "ack"
    second = await a.request({"type": "say", "room": "musique", "text": "deux"})
    assert second["code"] == "slow_mode"
    staff_post(server, mod, f"/sanctions/{slow.json()['sanction']['id']}/undo")
    for c in (a, b):
        await c.close()


async def test_evidence_package_is_signed_and_verifiable(server):
    mod = login(server, add_staff(server, "moderator", "child_safety"))
    a, b = await room_pair(server)
    msg = await say(a, "general", "on se voit bientôt au marché")
    await b.request({"type": "report", "reason": "violence", "message": msg["id"]})
    case = case_for(server, mod, msg["id"])
    assert case["priority"] <= 1, "threats to life come first"
    r = staff_post(server, mod, f"/cases/{case['id']}/evidence")
    assert r.status_code == 201, r.text
    package = r.json()
    public = load_pem_public_key(package["public_key"].encode())
    body = package["package"]["body"]
    public.verify(base64.b64decode(package["package"]["signature"]), body.encode())
    assert msg["text"] in body and a.id not in body, "ids are hashed, the content is kept"
    try:
        public.verify(
            base64.b64decode(package["package"]["signature"]),
            body.replace("bientôt", "demain").encode(),
        )
        tampered_ok = True
    except Exception:
        tampered_ok = False
    assert not tampered_ok
    for c in (a, b):
        await c.close()


def test_terms_by_staff_are_attributed_and_reports_are_public_figures(server):
    moderator = login(server, add_staff(server))
    listed = httpx.get(f"{server.url}/api/v1/admin/terms", headers=auth(moderator))
    assert listed.status_code == 200, "moderators read the run-time terms"
    refused = httpx.post(
        f"{server.url}/api/v1/admin/terms",
        headers=auth(moderator),
        json={"term": "motinterditdetest", "category": "spam", "action": "block"},
    )
    assert refused.status_code == 403, "changing the engine is an admin's act"
    name = add_staff(server, "admin")
    token = login(server, name)
    r = httpx.post(
        f"{server.url}/api/v1/admin/terms",
        headers=auth(token),
        json={"term": "motinterditdetest", "category": "spam", "action": "block"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["term"]["created_by"] == name.name
    chat = httpx.post(
        f"{server.url}/api/v1/admin/terms",
        headers=auth("not-a-staff-token"),
        json={"term": "x", "category": "spam"},
    )
    assert chat.status_code == 403
    audit = papote(server, "audit", "verify")
    assert audit.returncode == 0 and '"ok": true' in audit.stdout, audit.stdout + audit.stderr
    out = papote(server, "transparency", "--since", "2020-01-01", "--until", "2100-01-01")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"period", "notices", "user_reports", "actions", "appeals"}
    assert data["actions"]["total"] == sum(data["actions"]["by_type"].values())
    assert data["notices"]["total"] == sum(data["notices"]["by_category"].values())


async def test_an_appeal_after_six_months_is_too_late(sqlite_server):
    """Article 20: six months to contest. The ban is backdated in the database by seven
    months (the server's clock is real): the appeal is refused ``appeal_too_late``;
    one day inside the window it is accepted."""
    server = sqlite_server
    mod = login(server, add_staff(server))
    a, b = await room_pair(server, "occitanie")
    msg = await say(a, "occitanie", "qui connaît un bon restaurant à Albi ?")
    await b.request({"type": "report", "reason": "spam", "message": msg["id"]})
    case = case_for(server, mod, msg["id"])
    act = staff_post(
        server, mod, f"/cases/{case['id']}/actions", {"action": "ban", "reason": "spam"}
    )
    assert act.status_code == 200, act.text
    sanction_id = act.json()["sanction"]["id"]
    assert await a.closed == 4003
    cookies = a.session["cookies"]
    day = 86_400_000

    def backdate(days: int) -> None:
        created = int(time.time() * 1000) - days * day
        with sqlite3.connect(Path(server.data_dir) / "papote.db") as db:
            db.execute("UPDATE sanctions SET created_at = ? WHERE id = ?", (created, sanction_id))

    backdate(7 * 30)
    seen = httpx.get(f"{server.url}/api/v1/appeals", cookies=cookies).json()["decision"]
    assert seen["appealable_until"] < time.time() * 1000
    late = httpx.post(f"{server.url}/api/v1/appeals", cookies=cookies, json={"text": "trop tard ?"})
    assert late.status_code == 400 and late.json()["error"]["code"] == "appeal_too_late", late.text
    assert "six mois" in late.json()["error"]["message"]
    backdate(182)  # a day inside the window (183 days)
    in_time = httpx.post(f"{server.url}/api/v1/appeals", cookies=cookies, json={"text": "à temps"})
    assert in_time.status_code == 201, in_time.text
    await b.close()
