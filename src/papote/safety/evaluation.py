"""Precision and recall of the engine on a labelled corpus (tests/corpus/README.md).

A message counts as *flagged* for a category when the engine does anything but
allow it and names that category. Recall of a category: flagged messages labelled
with it / messages labelled with it. Precision: messages labelled with it /
messages flagged with it. The false-positive rate is the share of benign messages
that were not allowed. ``minor_signal`` scores the ``sender_possibly_minor`` flag.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from papote.safety.engine import MINOR_FLAG, ModerationEngine
from papote.safety.offline import judge_line
from papote.safety.verdict import Action, Verdict

BENIGN = "benign"
MINOR_SIGNAL = "minor_signal"


@dataclass
class Scores:
    labelled: Counter[str] = field(default_factory=Counter)
    flagged: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    benign: int = 0
    benign_flagged: int = 0
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # label, got, text
    false_alarms: list[tuple[str, str]] = field(default_factory=list)  # got, text

    def recall(self, category: str) -> float:
        n = self.labelled[category]
        return self.correct[category] / n if n else 1.0

    def precision(self, category: str) -> float:
        n = self.flagged[category]
        return self.correct[category] / n if n else 1.0

    @property
    def harmful(self) -> int:
        return sum(n for c, n in self.labelled.items() if c != MINOR_SIGNAL)

    @property
    def overall_recall(self) -> float:
        caught = sum(n for c, n in self.correct.items() if c != MINOR_SIGNAL)
        return caught / self.harmful if self.harmful else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.benign_flagged / self.benign if self.benign else 0.0

    def add(self, label: str, flags: Iterable[str], verdict: Verdict, text: str) -> None:
        flagged = verdict.action is not Action.ALLOW
        got = ",".join(c.value for c in verdict.categories) if flagged else "allow"
        categories = {c.value for c in verdict.categories} if flagged else set()
        for category in categories:
            self.flagged[category] += 1
        if label == BENIGN:
            self.benign += 1
            if flagged:
                self.benign_flagged += 1
                self.false_alarms.append((got, text))
        else:
            self.labelled[label] += 1
            if label in categories:
                self.correct[label] += 1
            else:
                self.missed.append((label, got, text))
        expects_minor = MINOR_FLAG in flags
        said_minor = MINOR_FLAG in verdict.flags
        if expects_minor:
            self.labelled[MINOR_SIGNAL] += 1
        if said_minor:
            self.flagged[MINOR_SIGNAL] += 1
        if expects_minor and said_minor:
            self.correct[MINOR_SIGNAL] += 1
        elif expects_minor:
            self.missed.append((MINOR_SIGNAL, "no flag", text))
        elif said_minor:
            self.false_alarms.append((MINOR_SIGNAL, text))

    def to_json(self) -> dict[str, Any]:
        categories = sorted(set(self.labelled) | set(self.flagged))
        return {
            "categories": {
                c: {
                    "labelled": self.labelled[c],
                    "flagged": self.flagged[c],
                    "precision": round(self.precision(c), 3),
                    "recall": round(self.recall(c), 3),
                }
                for c in categories
            },
            "overall_recall": round(self.overall_recall, 3),
            "benign": self.benign,
            "false_positive_rate": round(self.false_positive_rate, 4),
        }


def evaluate(engine: ModerationEngine, lines: Iterable[bytes | str]) -> Scores:
    scores = Scores()
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        line = orjson.loads(raw)
        verdicts = judge_line(engine, line, number)
        if "messages" in line:
            for message, verdict in zip(line["messages"], verdicts, strict=True):
                scores.add(message["label"], message.get("flags", ()), verdict, message["text"])
        else:
            scores.add(line["label"], line.get("flags", ()), verdicts[0], line["text"])
    return scores


def report(scores: Scores, name: str) -> str:
    rows = [f"{name}", f"{'category':<16}{'n':>5}{'flagged':>9}{'precision':>11}{'recall':>8}"]
    for category, data in scores.to_json()["categories"].items():
        rows.append(
            f"{category:<16}{data['labelled']:>5}{data['flagged']:>9}"
            f"{data['precision']:>11.2f}{data['recall']:>8.2f}"
        )
    rows.append(
        f"overall recall {scores.overall_recall:.3f} on {scores.harmful} harmful messages; "
        f"false positives {scores.benign_flagged}/{scores.benign} benign "
        f"({scores.false_positive_rate:.1%})"
    )
    return "\n".join(rows)
