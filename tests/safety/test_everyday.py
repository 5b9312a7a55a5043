"""The served engine (rules and the text model) leaves everyday chat alone.

About 320 ordinary French lines the team wrote for the speed bench (bench/data/chat.txt,
everyday.txt: greetings, SMS spelling, typos, questions, emoji), judged in a room and as a
first private message: the engine that blocks, holds or warns more than one in a hundred
of them would make the chat unusable whatever its recall. Run with the model on, the
default (PAPOTE_TEXT_MODEL), so that a model which flags "Bonjour le salon" fails here.
"""

from __future__ import annotations

import pytest

from papote.bench.moderation import CHAT, EVERYDAY
from papote.safety.context import MessageContext, Participant
from papote.safety.engine import ModerationEngine
from papote.safety.verdict import Action

MAX_FLAGGED = 0.01


@pytest.fixture(scope="module")
def engine() -> ModerationEngine:
    engine = ModerationEngine.load()
    assert engine.model is not None  # the default engine has the text model
    return engine


@pytest.mark.parametrize("channel", ["room", "dm"])
def test_everyday_lines_are_left_alone(engine: ModerationEngine, channel: str) -> None:
    sender = Participant(id="u1", age=31)
    recipient = Participant(id="u2", age=29)
    lines = list(dict.fromkeys(CHAT + EVERYDAY))
    flagged = []
    for i, text in enumerate(lines):
        ctx = MessageContext(
            text=text,
            channel=channel,
            sender=sender,
            recipient=recipient if channel == "dm" else None,
            room=None if channel == "dm" else "general",
            conversation=f"c{i}",
            first_contact=channel == "dm",
            ts=1_763_870_000_000 + i * 60_000,
        )
        verdict = engine.judge(ctx)
        if verdict.action is not Action.ALLOW:
            flagged.append((text, verdict.action.name, verdict.rule))
    assert len(lines) > 300
    assert len(flagged) <= MAX_FLAGGED * len(lines), flagged
