"""Floors on the sealed held-out sets (tests/corpus/sealed/, written by people who saw
neither the rules, the model nor the training data; read here only for aggregates).

The floors sit a little below what the served engine (rules + text model)
measured, so that the suite fails when the engine gets worse; they are
not the issue's targets, which are written next to them and are not all met
(docs/moderation.md, "Figures"). No text of these files is ever printed: a failure
names the figure only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from papote.safety.engine import ModerationEngine
from papote.safety.evaluation import evaluate, read_lines

SEALED = Path(__file__).resolve().parents[1] / "corpus" / "sealed"

# file -> (min harmful recall, min critical share stopped, max benign flagged), measured - margin
# The served engine: rules + text-v3 (model on by default). Measured 2026-12-01, second
# round of issue 8: rules only s1 0.382 / 0.368 / 6.5%; s2 conversations 0.298 / 0.370 /
# 3.7%; forum 0.254 / 0.40 (5 messages) / 1.7%; hate 0.416 / - / 12.8%. Rules + text-v3:
# s1 0.714 / 0.681 / 6.1%; conversations 0.632 / 0.685 / 5.1%; forum 0.699 / 1.0 (5) /
# 1.1%; hate 0.675 / - / 12.2%. Fourth round (2026-12-02), rules + text-v4 + the
# conversation model conv-v1 as served (continuation only for the gravest categories, the
# grooming bar towards people with no sign of a minor): s1 0.749 / 0.716 / 5.9%;
# conversations 0.798 / 0.781 / 5.6%; forum 0.728 / 1.0 (5) / 1.1%; hate 0.703 / - /
# 13.3% (docs/moderation.md, "Figures"). Fifth round (2026-12-02), rules + text-v5 + conv-v2
# with the rules the model must confirm: s1 0.761 / 0.705 / 1.8%; conversations 0.798 /
# 0.822 / 5.6%; forum 0.705 / 1.0 (5) / 0.0%; hate 0.727 / - / 10.7%; and the fresh s3
# sets, written apart this round: chat 0.767 / 0.764 / 2.9% (text-v4 + conv-v1 before:
# 0.711 / 0.657 / 8.5%), conversations 0.692 / 0.798 / 3.0% (before: 0.670 / 0.768 / 4.0%).
# Sixth round: grooming, sexual violence and NCII reviewed from lower scores (learned.py
# REVIEW_SHIFT 1.5, chosen on writers ad and ae and the engine's tests): s1 0.773 / 0.726 /
# 2.1%; conversations 0.798 / 0.836 / 5.6%; forum unchanged; hate 0.727 / - / 11.7%; s3
# chat 0.774 / 0.773 / 3.6%; s3 conversations 0.692 / 0.808 / 3.8%. Seventh round: fresh s4
# sets written apart (1,525 chat lines, 164 conversations), first reading of the served
# engine (text-v5 + conv-v2, review shift): chat 0.765 / 0.818 / 4.0%; conversations
# 0.804 / 0.901 / 4.9%. Then the seventh round's engine changes (learned.py: review shift for
# violence, harassment, personal data and explicit content; a minor age or class named by
# the sender lifts the grooming bar; short messages of the gravest categories judged from a
# lower bar; all chosen on writers ad and ae): s1 0.791 / 0.761 / 2.4%; s2 conversations
# 0.798 / 0.836 / 7.4%; forum 0.763 / 1.0 (5) / 0.0%; hate unchanged; s3 chat 0.781 / 0.777 /
# 4.2%; s3 conversations 0.699 / 0.828 / 4.7%; s4 chat 0.773 / 0.825 / 4.0%; s4
# conversations 0.814 / 0.901 / 5.7%. The round's last reading (SMS spelling, "13a", spam
# pointers as evidence too): s1 0.794 / 0.761 / 2.4%; s2 conversations 0.798 / 0.836 / 7.4%;
# forum 0.763; s3 chat 0.783 / 0.777 / 4.2%; s3 conversations 0.701 / 0.828 / 4.7%; s4 chat
# 0.773 / 0.825 / 4.0%; s4 conversations 0.814 / 0.910 / 5.7%.
FLOORS: dict[str, tuple[float, float, float]] = {
    "s1-heldout_chat.jsonl.gz": (0.775, 0.745, 0.035),
    "s2-conversations.jsonl.gz": (0.78, 0.815, 0.085),
    "s2-forum_toxicity.jsonl.gz": (0.74, 0.60, 0.02),
    "s2-hate_functional.jsonl.gz": (0.70, 0.0, 0.13),
    "s3-chat.jsonl.gz": (0.765, 0.76, 0.055),
    "s3-conversations.jsonl.gz": (0.68, 0.80, 0.06),
    "s4-chat.jsonl.gz": (0.755, 0.81, 0.05),
    "s4-conversations.jsonl.gz": (0.795, 0.88, 0.07),
}
# issue 8: recall >= 0.85, child safety/grooming/sexual violence stopped >= 0.9, benign <= 5%
TARGETS = (0.85, 0.9, 0.05)


@pytest.fixture(scope="module")
def engine() -> ModerationEngine:
    return ModerationEngine.load()


def test_every_sealed_file_has_floors() -> None:
    files = sorted(p.name for p in SEALED.glob("*.jsonl.gz"))
    assert files and files == sorted(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_sealed_floors(engine: ModerationEngine, name: str) -> None:
    scores = evaluate(engine, read_lines(SEALED / name), keep_texts=False)
    recall, stopped, benign = FLOORS[name]
    assert scores.overall_recall >= recall, ("recall", round(scores.overall_recall, 3))
    if scores.critical:
        assert scores.critical_stopped_rate >= stopped, (
            "critical stopped",
            round(scores.critical_stopped_rate, 3),
        )
    assert scores.false_positive_rate <= benign, (
        "benign flagged",
        round(scores.false_positive_rate, 3),
    )
