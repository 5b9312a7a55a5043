"""The seeds, replayed on a real server over real WebSockets.

Coco.fr refused 14 with a popup and let the same child in when she typed 18; a
journalist posing as "Rose14" had conversation windows opening by themselves and said
"mais j'ai 14 ans" in vain; men asked her to be alone, for photos, to meet, to keep it
from her parents. These scenarios check what Papote does instead (docs/minors.md,
src/papote/actions/minors.py):

(a) the age gate sticks: 14, then 18 in the same browser, then a reload without the cookie;
(b) Rose14 enters as 19, talks with three men, says she is 14: she gets help (3018), every
    existing conversation shows both sides a safety notice (hers written for her, the
    men's saying she may be a minor), each man who goes on with grooming talk is refused,
    escalated as grooming, suspended and disconnected, and cannot come back; a fourth man
    cannot open a conversation with her at all;
(c) a man asks a girl who said she is 13 for a photo and to move to Snapchat: escalated as
    grooming, suspended;
(d) two adults flirt, ask age and city and arrange a date: everything is delivered.

A suspension refuses the suspended session and its browser (never the address others
share), and an underage declaration locks this device on this network: those scenarios
run on a server of their own (``fresh_server``).
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from tests.wsclient import Client, unique_pseudo

from papote.settings import Settings
from papote.store import reports as report_store
from papote.store.db import Database
from papote.store.models import Report

ADULT_ROOM = "rencontres"


def _entry(pseudo: str, age: int, gender: str, postal_code: str) -> dict[str, Any]:
    return {"pseudo": pseudo, "age": age, "gender": gender, "postal_code": postal_code}


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    return error


async def _dm(sender: Client, to: Client, text: str) -> dict[str, Any]:
    return await sender.request({"type": "dm", "to": to.id, "text": text})


async def _talk(sender: Client, to: Client, text: str) -> None:
    """A private message that must be delivered."""
    ack = await _dm(sender, to, text)
    assert ack["type"] == "ack", (text, ack)
    assert (await to.message(text))["dm"] == sender.id


def _got(client: Client, text: str) -> bool:
    return any(f["type"] == "message" and f["message"]["text"] == text for f in client.frames)


async def _reports(server: Any) -> list[Report]:
    db = Database(Settings(data_dir=server.data_dir).db_url)
    try:
        return await report_store.queue(db, limit=100_000)
    finally:
        await db.close()


async def _assert_suspended(
    server: Any, man: Client, victim: Client, text: str, category: str = "child_safety"
) -> list[str]:
    """``text`` to ``victim`` is escalated as ``category`` and ``man`` is suspended.

    Returns what the core gets wrong on the sender's side of the wire (the ``rejected``
    reply, the refused reconnection), for the caller to assert once the whole scenario
    has run, so that one core defect does not hide the rest of the scenario."""
    ref = f"grooming-{man.id}"
    await man.send({"type": "dm", "to": victim.id, "text": text, "ref": ref})
    sanction = await man.wait_type("sanction")
    assert sanction["action"] == "suspend"  # pending review, told as such
    assert sanction["reason"] == category
    assert "suspendu" in sanction["statement"] and "modérateur" in sanction["statement"]
    # the real end of the 30-day suspension, and the category in words, never its code
    days = (sanction["until"] - int(time.time() * 1000)) / 86_400_000
    assert 29.9 < days <= 30.01, sanction
    assert category not in sanction["statement"]
    assert "protection des mineurs" in sanction["statement"]
    assert await man.closed == 4003
    # the message never reached her
    await victim.settle(0.1)
    assert not _got(victim, text)
    assert not any(f.get("ref") == ref and f["type"] == "ack" for f in man.frames)
    problems: list[str] = []
    # the token no longer opens a socket (docs/protocol.md: `banned`, then close 4001)
    again = await Client.connect(server.ws_url, man.session, hello=False)
    await again.send({"type": "hello", "token": man.session["token"]})
    answer = await again.wait_for(lambda f: f["type"] in ("error", "welcome"))
    if answer["type"] == "welcome":
        problems.append(f"{man.user['pseudo']}: the suspended session's token still gets `welcome`")
    else:
        assert answer["code"] in ("banned", "invalid_token"), answer
        assert await again.closed in (4001, 4003), "the socket stays open after the refusal"
    await again.close()
    # and the same browser cannot enter again (its neighbours on the address still can)
    async with httpx.AsyncClient(base_url=server.url, cookies=man.session["cookies"]) as http:
        response = await http.post(
            "/api/v1/session", json=_entry(unique_pseudo("Retour"), 41, "homme", "75011")
        )
    _error(response, 403, "banned")
    # the moderators have the escalation on top of the queue, with the evidence
    escalations = [
        r
        for r in await _reports(server)
        if r.target_user_id == man.id and r.reason == category and r.priority == 0
    ]
    assert escalations, "no top-priority report on the suspended sender"
    assert any(r.evidence.get("message", {}).get("text") == text for r in escalations)
    # the sender is told that this message was refused, and why
    replies = [f for f in man.frames if f.get("ref") == ref]
    if not replies:
        problems.append(
            f"{man.user['pseudo']}: no reply to the escalated dm (expected `rejected` "
            f"`moderation` `{category}` before the sanction); last frames: "
            f"{[f['type'] for f in man.frames[-3:]]}"
        )
    else:
        reply = replies[0]
        assert reply["type"] == "rejected", reply
        assert reply["code"] == "moderation" and reply["category"] == category, reply
        assert man.frames.index(reply) < man.frames.index(sanction), "rejected after the sanction"
    return problems


async def test_a_the_age_gate_sticks_when_a_child_retypes_18(fresh_server):
    fresh_server.env["PAPOTE_TRUSTED_NETWORKS"] = ""  # the age gate's signal applies
    server = fresh_server.start()
    async with httpx.AsyncClient(base_url=server.url) as browser:  # keeps the cookie
        response = await browser.post(
            "/api/v1/session", json=_entry("Lili14", 14, "femme", "29200")
        )
        error = _error(response, 403, "underage")
        assert "3018" in error["message"]
        assert "18 ans" in error["message"]
        assert any(h.get("phone") == "3018" for h in error["help"])
        assert browser.cookies.get("papote_age_gate")
        # Coco.fr let her in here
        response = await browser.post(
            "/api/v1/session", json=_entry("Lili18", 18, "femme", "29200")
        )
        locked = _error(response, 403, "age_gate_locked")
        assert any(h.get("phone") == "3018" for h in locked["help"])
        response = await browser.post(
            "/api/v1/session", json=_entry("Lili_25", 25, "femme", "29200")
        )
        _error(response, 403, "age_gate_locked")
    # a reload that lost the cookie (private window): same network, same browser
    # headers. The device mark cannot tell her from a neighbour with the same phone, so
    # it does not lock (that shut strangers out); it asks for the entry challenge.
    async with httpx.AsyncClient(base_url=server.url) as reloaded:
        response = await reloaded.post(
            "/api/v1/session", json=_entry("Lili_majeure", 19, "femme", "29200")
        )
        _error(response, 428, "challenge_required")


async def test_b_rose14_three_men_then_a_fourth(fresh_server):
    server = fresh_server.start()
    # everyone enters first (each has a browser of its own: a suspension refuses only his)
    rose = await Client.enter(server, pseudo="Rose14", age=19, gender="femme", postal_code="75011")
    men = [
        await Client.enter(server, pseudo=pseudo, age=age, gender="homme", postal_code=code)
        for pseudo, age, code in (
            ("Marco_77", 44, "77000"),
            ("Fab92", 38, "92100"),
            ("JP_60", 52, "60000"),
        )
    ]
    fourth = await Client.enter(
        server, pseudo="Seb_59", age=35, gender="homme", postal_code="59000"
    )
    assert rose.user["age"] == 19

    # the windows open by themselves: three men write first, she answers each
    openers = ["salut ma belle", "coucou Rose, ça va ?", "slt tu fais quoi de beau"]
    for man, opener in zip(men, openers, strict=True):
        await _talk(man, rose, opener)
        await _talk(rose, man, "salut, ça va et toi ?")
    notices = [f for f in rose.received("notice") if f.get("key") == "first_contact"]
    assert len(notices) == 3, "a first private message from a stranger brings a notice"

    # in one of the conversations she says her real age
    await _talk(men[0], rose, "t'as quel âge ?")
    await _talk(rose, men[0], "mais j'ai 14 ans")

    # she is shown where to find help
    help_notice = await rose.wait_type("notice", key="minor_help")
    assert help_notice["level"] == "warning"
    assert "3018" in help_notice["text"]
    # every existing conversation shows both sides a safety notice, each written for them
    for man in men:
        mine = await rose.wait_type("notice", key=f"minor_conversation:{man.id}")
        assert mine["dm"] == man.id
        assert "3018" in mine["text"] and "pourrait être mineure" not in mine["text"]
        theirs = await man.wait_for(
            lambda f: f["type"] == "notice" and str(f.get("key")).startswith("minor_conversation:")
        )
        assert theirs["key"] in (f"minor_conversation:{rose.id}", f"minor_conversation:{man.id}")
        assert "mineure" in theirs["text"] and theirs["level"] == "warning"
    # the fourth man, who never wrote to her, is not told anything about her
    await fourth.settle(0.1)
    assert not fourth.received("notice")

    # each man goes on anyway: refused, escalated, suspended, disconnected, banned
    grooming = [
        "t'es seule chez toi ?",
        "envoie une photo de toi",
        "on se voit ce soir, dis rien à tes parents",
    ]
    problems = []
    for man, text in zip(men, grooming, strict=True):
        problems += await _assert_suspended(server, man, rose, text, "grooming")

    # a fourth adult cannot open a new private conversation with her
    refused = await _dm(fourth, rose, "salut Rose, on discute ?")
    assert refused["type"] == "rejected" and refused["code"] == "minor_protected", refused
    assert isinstance(refused.get("message"), str) and refused["message"]
    await rose.settle(0.1)
    assert not _got(rose, "salut Rose, on discute ?")
    # nor can she open one with him (adults and possible minors are kept apart)
    refused = await _dm(rose, fourth, "salut")
    assert refused["type"] == "rejected" and refused["code"] == "minor_protected", refused

    # the moderators were alerted that she may be a minor, at the top of the queue
    flagged = [r for r in await _reports(server) if r.target_user_id == rose.id]
    assert any(r.reason == "child_safety" and r.priority == 0 for r in flagged)
    # and she was never sanctioned for saying her age
    assert not rose.received("sanction") and not rose.closed.done()
    assert not problems, "\n".join(problems)


async def test_c_photo_and_snapchat_to_a_13_year_old(fresh_server):
    server = fresh_server.start()
    girl = await Client.enter(server, pseudo="Lili18", age=18, gender="femme", postal_code="35000")
    man = await Client.enter(
        server, pseudo="Tonton_35", age=47, gender="homme", postal_code="35000"
    )
    await _talk(man, girl, "coucou toi, tu viens souvent ici ?")
    await _talk(girl, man, "slt, non c la 1ere fois")
    await _talk(girl, man, "j'ai 13 ans")
    await girl.wait_type("notice", key="minor_help")
    problems = await _assert_suspended(
        server,
        man,
        girl,
        "t'es mignonne, envoie moi une photo de toi et ajoute moi sur snap",
        "grooming",
    )
    assert not problems, "\n".join(problems)


async def test_d_two_adults_flirt_and_arrange_a_date(sqlite_server):
    claire = await Client.enter(sqlite_server, age=31, gender="femme", postal_code="69007")
    hugo = await Client.enter(sqlite_server, age=34, gender="homme", postal_code="69100")
    for client in (claire, hugo):
        assert (await client.request({"type": "join", "room": ADULT_ROOM}))["type"] == "joined"
    conversation = [
        (hugo, claire, "Salut Claire, j'ai bien aimé ton message dans Rencontres 😊"),
        (claire, hugo, "Merci ! Toi aussi t'as l'air sympa"),
        (hugo, claire, "T'as quel âge si c'est pas indiscret ?"),
        (claire, hugo, "31 ans, et toi ?"),
        (hugo, claire, "34. Tu fais plus jeune que ton âge, t'es très jolie sur ta photo"),
        (claire, hugo, "Flatteur ! Tu habites où ?"),
        (hugo, claire, "À Villeurbanne, et toi ?"),
        (claire, hugo, "Lyon 7e, pas très loin"),
        (hugo, claire, "Tu m'envoies une autre photo de toi ?"),
        (claire, hugo, "Plutôt en vrai 😉"),
        (hugo, claire, "On se voit samedi au café de la gare ?"),
        (claire, hugo, "Avec plaisir, 15h ça te va ? J'ai hâte de t'embrasser"),
    ]
    for sender, to, text in conversation:
        await _talk(sender, to, text)
    # nudges are allowed: the first contact to her, the date to both, once each
    await claire.wait_type("notice", key="first_contact")
    await claire.wait_type("notice", key="meeting")
    await hugo.wait_type("notice", key="meeting")
    await claire.settle(0.1)
    for client in (claire, hugo):
        keys = [f.get("key") for f in client.received("notice")]
        assert keys.count("meeting") == 1, keys
        assert not any(str(k).startswith("minor") for k in keys), keys
        assert not client.received("sanction") and not client.closed.done()
    history = await claire.request({"type": "history", "with": hugo.id})
    assert [m["text"] for m in history["messages"]] == [text for _, _, text in conversation]
