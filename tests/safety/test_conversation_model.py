"""The learned conversation model: the same features in training and in the engine, the
scores kept by the memory, the shipped artefact paired with the shipped text model, and
conversations where the whole says more than each message."""

from __future__ import annotations

import pytest

from papote.safety.context import MessageContext, Participant
from papote.safety.conversation_model import (
    DEFAULT_VERSION as CONVERSATION_VERSION,
)
from papote.safety.conversation_model import (
    ConversationModel,
    ConversationModelError,
    conversation_features,
    feature_names,
)
from papote.safety.engine import ModerationEngine
from papote.safety.memory import MemoryEntry
from papote.safety.training.data import LABELS
from papote.safety.verdict import Action, Category

N = len(LABELS)


def _row(**scores: float) -> list[float]:
    return [scores.get(label, 0.0) for label in LABELS]


def test_features_read_the_sender_the_others_and_a_minor_on_the_other_side() -> None:
    g = LABELS.index("grooming")
    now = _row(grooming=0.4)
    sender_past = [_row(grooming=0.7), [], _row(sexual_content=0.9)]
    others_past = [_row(harassment=0.2)]
    x = conversation_features(
        now, sender_past, others_past, other_minor=True, dm=True, sender_age=41, recipient_age=19
    )
    names = feature_names(LABELS)
    assert len(x) == len(names)
    value = dict(zip(names, x, strict=True))
    assert value["now:grooming"] == 0.4
    assert value["sender_max:grooming"] == 0.7 and value["sender_max:sexual_content"] == 0.9
    assert value["others_max:harassment"] == 0.2 and value["others_max:grooming"] == 0.0
    assert value["minor_x_now:grooming"] == 0.4 and value["minor_x_sender_max:grooming"] == 0.7
    assert value["other_minor"] == 1.0 and value["dm"] == 1.0
    assert value["sender_turns"] == pytest.approx(0.3)
    assert value["sender_flagged"] == pytest.approx(2 / 5)  # two earlier rows past 0.5
    assert value["age_gap"] == pytest.approx((41 - 19) / 20 if 41 - 19 < 20 else 1.0)
    # without a minor on the other side, the crossed features are zero
    y = conversation_features(
        now, sender_past, others_past, other_minor=False, dm=False, sender_age=41, recipient_age=19
    )
    assert dict(zip(names, y, strict=True))["minor_x_now:grooming"] == 0.0
    assert dict(zip(names, y, strict=True))["age_gap"] == 0.0  # a room has no "other"
    assert x[g] == 0.4


def test_memory_keeps_the_text_models_scores() -> None:
    entry = MemoryEntry(sender="u1", text="salut", scores=(0.1, 0.25))
    back = MemoryEntry.from_json(entry.to_json())
    assert back == entry and back.scores == (0.1, 0.25)
    # entries written before the scores existed still load
    assert MemoryEntry.from_json(b'{"sender": "u1", "text": "x"}').scores == ()


@pytest.fixture(scope="module")
def engine() -> ModerationEngine:
    return ModerationEngine.load()


def test_the_shipped_conversation_model_reads_the_shipped_text_model(
    engine: ModerationEngine,
) -> None:
    assert engine.model is not None and engine.conversation is not None
    assert engine.conversation.text_model == engine.model.version
    assert engine.conversation.labels == engine.model.labels


def test_a_conversation_model_of_another_text_model_is_refused(engine: ModerationEngine) -> None:
    assert engine.conversation is not None
    stale = ConversationModel(
        "conv-old",
        "text-v0",
        LABELS,
        [[0.0] * len(feature_names(LABELS))] * N,
        [0.0] * N,
        {label: {"review_at": 0.9, "review": "hold", "act_at": 0.95, "act": "hold"}
         for label in LABELS},
    )  # fmt: skip
    with pytest.raises(ConversationModelError, match="text-v0"):
        ModerationEngine(engine._base, engine.model, stale)


def _dm(sender: Participant, recipient: Participant, text: str, ts: int) -> MessageContext:
    return MessageContext(text, "dm", sender, recipient=recipient, conversation="c1", ts=ts)


def test_every_message_remembers_its_scores(engine: ModerationEngine) -> None:
    a = Participant(id="a", age=30)
    b = Participant(id="b", age=29)
    assessed = engine.assess(_dm(a, b, "salut ça va ?", 1))
    assert engine.model is not None
    assert len(assessed.entry.scores) == len(engine.model.labels)
    assert all(0.0 <= s <= 1.0 for s in assessed.entry.scores)


def test_the_train_command_fits_the_conversation_model_out_of_source(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Two sources with conversations: the conversation model is fitted on the text
    model's out-of-source scores, its thresholds on writers it was not fitted on, and the
    artefact names the text model it reads and loads in the engine beside it."""
    import json
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from papote.safety.learned import TextModel

    data = Path(__file__).resolve().parents[2] / "data" / "moderation"
    root = tmp_path_factory.mktemp("conv-data")
    for source in ("team_v1", "writer_m"):
        shutil.copytree(data / source, root / source)
    out = tmp_path_factory.mktemp("conv-out")
    proc = subprocess.run(
        [sys.executable, "-m", "papote.cli", "moderation", "train", "--data", str(root),
         "--out", str(out), "--version", "text-test", "--copies", "0"],
        capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    assert "conversation model, out of source" in proc.stdout
    artefact = json.loads((out / f"{CONVERSATION_VERSION}.json").read_text())
    assert artefact["text_model"] == "text-test"
    assert artefact["training"]["held_out_sources"] == ["team_v1", "writer_m"]
    assert 0 < artefact["training"]["read"] <= artefact["training"]["messages"]
    either = artefact["evaluation"]["out_of_source_either"]
    alone = artefact["evaluation"]["out_of_source_text_model_alone"]
    assert either["harmful_flagged"] >= alone["harmful_flagged"]
    model = TextModel.load(out / "text-test.json")
    conversation = ConversationModel.load(out / f"{CONVERSATION_VERSION}.json")
    engine = ModerationEngine(ModerationEngine.load(with_model=False)._base, model, conversation)
    assert engine.conversation is conversation


def _room(sender: Participant, text: str, ts: int) -> MessageContext:
    return MessageContext(text, "room", sender, room="general", conversation="room:g", ts=ts)


def test_short_lines_are_not_held_for_what_their_sender_said_before(
    engine: ModerationEngine,
) -> None:
    """ "m3" scores high for sexual content on one n-gram; neither it nor "m4" after it is
    held: three words or fewer give too little, alone or after the sender's past."""
    a = Participant(id="a", age=30)
    history: list[MemoryEntry] = []
    for i in range(7):
        assessed = engine.assess(_room(a, f"m{i}", 1_000 + i), history, {})
        assert assessed.verdict.action is Action.ALLOW, (i, assessed.verdict.rule)
        history.append(assessed.entry)


def test_an_ordinary_line_after_a_refused_threat_is_not_held(engine: ModerationEngine) -> None:
    a = Participant(id="a", age=30)
    threat = engine.assess(_room(a, "je vais te détruire toi, je sais où tu habites", 1), (), {})
    assert threat.verdict.action >= Action.HOLD
    after = engine.assess(_room(a, "Message témoin numéro 3, tout va bien.", 2), [threat.entry], {})
    assert after.verdict.action is Action.ALLOW, after.verdict.rule


def test_spam_needs_its_evidence_or_a_very_high_score(engine: ModerationEngine) -> None:
    a = Participant(id="a", age=30)
    greeting = engine.judge(_room(a, "bonjour, je suis nouveau ici", 1))
    assert greeting.action is Action.ALLOW, greeting.rule
    bot = engine.judge(_room(a, "bonjour je suis nouvelle ici, ajoute moi sur snap lucie_92", 2))
    assert bot.action >= Action.HOLD and bot.categories[0] is Category.SPAM
