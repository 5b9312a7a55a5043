"""The live server and ``papote moderate`` give the same verdicts, the learned model included.

Messages that only the model catches (no rule fires on them) are picked from the team's
development data, then judged twice: by ``papote moderate`` as one room conversation,
and by a real server over a real WebSocket, sent in the same order by one person in a
room that no other test uses (so that both see the same conversation so far).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client

from papote.safety.context import MessageContext, Participant
from papote.safety.engine import ModerationEngine

DATA = Path(__file__).resolve().parents[2] / "data" / "moderation"
ROOM = "corse"
BENIGN = [
    "Salut la Corse, quelqu'un connaît un bon resto à Bastia ?",
    "je vais te détruire à FIFA ce soir mdr",
]
# frame code of each action (docs/protocol.md); escalations suspend: none is picked here
CODES = {"warn": "confirm", "hold": "held", "block": "moderation", "escalate": "moderation"}


def _model_only(limit: int) -> list[str]:
    """Harmful development messages that the model flags and no rule does."""
    engine = ModerationEngine.load(with_model=True)
    rules_only = ModerationEngine.load(with_model=False)
    picked = []
    lines = [x for path in sorted(DATA.glob("*/*.jsonl")) for x in path.read_text().splitlines()]
    for line in lines:
        row = json.loads(line)
        if "text" not in row or row["label"] in ("benign", "child_safety", "grooming"):
            continue
        ctx = MessageContext(text=row["text"], channel="room", sender=Participant("a", 30))
        verdict = engine.judge(ctx)
        if verdict.action.label in CODES and rules_only.judge(ctx).action.label == "allow":
            picked.append(row["text"])
        if len(picked) == limit:
            break
    return picked


@pytest.fixture(scope="module")
def model_server() -> Any:
    """A server with the learned model on (``PAPOTE_TEXT_MODEL``; off by default)."""
    proc = ServerProcess({**RELAXED, "PAPOTE_TEXT_MODEL": "true"}).start()
    yield proc
    proc.stop()


async def test_same_verdicts_offline_and_live(model_server: Any) -> None:
    sqlite_server = model_server
    texts = [BENIGN[0], *_model_only(4), BENIGN[1]]
    assert len(texts) >= 4, "the model catches (almost) nothing the rules miss"
    conversation = {
        "channel": "room",
        "room": ROOM,
        "messages": [{"sender": "a", "age": 30, "text": t} for t in texts],
    }
    proc = subprocess.run(
        [sys.executable, "-m", "papote.cli", "moderate", "--with-model", "--explain"],
        input=json.dumps(conversation) + "\n",
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    offline = json.loads(proc.stdout)["verdicts"]
    assert any(
        any(e.startswith("model:") for e in v["evidence"]) and v["action"] != "allow"
        for v in offline
    )

    sender = await Client.enter(sqlite_server, age=30)
    joined = await sender.request({"type": "join", "room": ROOM})
    assert joined["type"] == "joined", joined
    for text, verdict in zip(texts, offline, strict=True):
        frame = await sender.request({"type": "say", "room": ROOM, "text": text})
        if verdict["action"] == "allow":
            assert frame["type"] == "ack", (text, verdict, frame)
            continue
        assert frame["type"] == "rejected", (text, verdict, frame)
        assert frame["code"] == CODES[verdict["action"]], (text, verdict, frame)
        assert frame["category"] == verdict["categories"][0], (text, verdict, frame)
