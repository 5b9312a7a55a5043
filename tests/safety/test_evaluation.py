"""The corpus thresholds of issue 4: the suite fails when the engine gets worse.

Recall >= 0.9 on child_safety, grooming and sexual_violence, overall recall >= 0.85,
false positives on benign messages <= 5% (issue 8's target; 3% before the text model,
which flags a few of these hand-picked hard negatives), on the two development files:
train (rules tuned on it) and dev (the former "held-out" split, read while the rules
were written; issue 8 made it development data and removed the phrases lifted from it).
These guard against regressions; they say nothing of generalisation (the sealed sets are
in tests/safety/test_sealed.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from papote.safety.engine import ModerationEngine
from papote.safety.evaluation import MINOR_SIGNAL, Scores, evaluate

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CRITICAL = ("child_safety", "grooming", "sexual_violence")


@pytest.fixture(scope="module")
def engine() -> ModerationEngine:
    return ModerationEngine.load()


def _scores(engine: ModerationEngine, name: str) -> Scores:
    return evaluate(engine, (CORPUS / name).read_bytes().splitlines())


def test_corpus_size() -> None:
    messages = conversations = 0
    for name in ("train.jsonl", "dev.jsonl"):
        for line in (CORPUS / name).read_text().splitlines():
            if '"messages"' in line:
                conversations += 1
                messages += line.count('"sender"')
            else:
                messages += 1
    assert messages >= 400
    assert conversations >= 40


@pytest.mark.parametrize("split", ["train.jsonl", "dev.jsonl"])
def test_thresholds(engine: ModerationEngine, split: str) -> None:
    scores = _scores(engine, split)
    for category in CRITICAL:
        assert scores.labelled[category] > 0, category
        assert scores.recall(category) >= 0.9, (category, scores.missed)
    assert scores.overall_recall >= 0.85, scores.missed
    assert scores.false_positive_rate <= 0.05, scores.false_alarms
    assert scores.recall(MINOR_SIGNAL) >= 0.9, scores.missed
