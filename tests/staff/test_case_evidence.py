"""The case page's evidence (GET /api/v1/staff/cases/{id}): the subject's earlier cases
and past sanctions, and the automated verdict with its rule and the model's version."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from papote.safety.context import MessageContext, Participant
from papote.safety.engine import ModerationEngine
from tests.serverproc import RELAXED, ServerProcess
from tests.staff.test_cases import case_for, staff_get, staff_post
from tests.staffhelp import add_staff, login
from tests.wsclient import Client

DATA = Path(__file__).resolve().parents[2] / "data" / "moderation"
ROOM = "normandie"  # a room no other test of this server uses


def held_by_the_model() -> str:
    """A development message that the learned model holds in a room and no rule sees."""
    engine = ModerationEngine.load(with_model=True)
    rules_only = ModerationEngine.load(with_model=False)
    for path in sorted(DATA.glob("*/*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            if "text" not in row or row.get("label") in ("benign", "child_safety", "grooming"):
                continue
            ctx = MessageContext(text=row["text"], channel="room", sender=Participant("a", 30))
            if (
                engine.judge(ctx).action.label == "hold"
                and rules_only.judge(ctx).action.label == "allow"
            ):
                return str(row["text"])
    raise AssertionError("the model holds nothing the rules miss")


@pytest.fixture(scope="module")
def model_server() -> Iterator[ServerProcess]:
    proc = ServerProcess({**RELAXED, "PAPOTE_TEXT_MODEL": "true"}).start()
    yield proc
    proc.stop()


async def test_case_page_shows_history_and_the_automated_verdict(model_server):
    server = model_server
    mod = login(server, add_staff(server))
    text = held_by_the_model()
    author = await Client.enter(server)
    await author.request({"type": "join", "room": ROOM})
    held = await author.request({"type": "say", "room": ROOM, "text": text})
    assert held["type"] == "rejected" and held["code"] == "held", held

    # an earlier case on the person, decided with a warning
    notice = {"url_or_id": author.user["pseudo"], "category": "spam", "explanation": "pub"}
    assert httpx.post(f"{server.url}/api/v1/notices", json=notice).status_code == 201
    earlier = case_for(server, mod, author.id)
    body = {"action": "warn", "reason": "spam"}
    warn = staff_post(server, mod, f"/cases/{earlier['id']}/actions", body)
    assert warn.status_code == 200, warn.text

    case = case_for(server, mod, held["message_id"])
    assert case["automated"]
    evidence = staff_get(server, mod, f"/cases/{case['id']}").json()["case"]["evidence"]
    assert [c["id"] for c in evidence["earlier_cases"]] == [earlier["id"]]
    assert evidence["earlier_cases"][0]["state"] == "closed"
    sanctions = evidence["sanctions"]
    assert [(s["action"], s["category"]) for s in sanctions] == [("warn", "spam")]
    (verdict,) = evidence["verdicts"]
    assert verdict["action"] == "hold" and verdict["rule"], verdict
    models = [e for e in verdict["evidence"] if e.startswith("model:")]
    assert models and all(re.fullmatch(r"model:[\w.-]+:.+", e) for e in models), verdict
    assert evidence["content"]["text"] == text
    await author.close()


async def test_a_private_message_case_shows_both_sides(sqlite_server):
    """A reported private message: the messages before and after it, from both people,
    and nothing from anyone else's conversation."""
    server = sqlite_server
    mod = login(server, add_staff(server))
    him, her = await Client.enter(server), await Client.enter(server, gender="femme")
    lines = [
        (him, "salut, tu habites vers Rouen ?"),
        (her, "oui, près de la cathédrale"),
        (him, "tu fais quoi ce week-end ?"),
        (her, "je vois des amis, pourquoi ?"),
        (him, "on pourrait boire un café"),
    ]
    sent = []
    for who, text in lines:
        other = her if who is him else him
        ack = await who.request({"type": "dm", "to": other.id, "text": text})
        assert ack["type"] == "ack", ack
        sent.append(ack["message"])
        await other.message(text)
    reported = sent[2]
    await her.request({"type": "report", "reason": "harassment", "message": reported["id"]})
    case = case_for(server, mod, reported["id"])
    evidence = staff_get(server, mod, f"/cases/{case['id']}").json()["case"]["evidence"]
    assert evidence["content"]["text"] == "tu fais quoi ce week-end ?"
    context = [(m["from"]["id"], m["text"]) for m in evidence["context"]]
    assert context == [(who.id, text) for who, text in lines], context
    for c in (him, her):
        await c.close()
