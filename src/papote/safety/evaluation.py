"""Precision, recall and F1 of the engine on a labelled corpus (tests/corpus/README.md).

A message counts as *flagged* for a category when the engine does anything but
allow it and names that category. Recall of a category: flagged messages labelled
with it / messages labelled with it. Precision: messages labelled with it /
messages flagged with it. The false-positive rate is the share of benign messages
that were not allowed. ``minor_signal`` scores the ``sender_possibly_minor`` flag.

Besides, for the most serious categories (:data:`CRITICAL`), the share of their
messages that were *stopped* (held, blocked or escalated, whatever the category
named), a confusion table (label -> first category named, or ``allow``) and the
false positives and misses counted by the line's ``kind``. Texts are kept only when
asked (``keep_texts``): sealed held-out sets are read for aggregates only.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from papote.safety.engine import MINOR_FLAG, ModerationEngine
from papote.safety.offline import judge_line
from papote.safety.verdict import Action, Verdict

BENIGN = "benign"
MINOR_SIGNAL = "minor_signal"
CRITICAL = ("child_safety", "grooming", "sexual_violence")
ALLOWED = "allow"
NO_KIND = "-"


@dataclass
class Scores:
    labelled: Counter[str] = field(default_factory=Counter)
    flagged: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    benign: int = 0
    benign_flagged: int = 0
    critical: int = 0
    critical_stopped: int = 0  # held, blocked or escalated
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (label, got)
    false_by_kind: Counter[str] = field(default_factory=Counter)
    missed_by_kind: Counter[str] = field(default_factory=Counter)
    keep_texts: bool = True
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # label, got, text
    false_alarms: list[tuple[str, str]] = field(default_factory=list)  # got, text

    def recall(self, category: str) -> float:
        n = self.labelled[category]
        return self.correct[category] / n if n else 1.0

    def precision(self, category: str) -> float:
        n = self.flagged[category]
        return self.correct[category] / n if n else 1.0

    def f1(self, category: str) -> float:
        p, r = self.precision(category), self.recall(category)
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def harmful(self) -> int:
        return sum(n for c, n in self.labelled.items() if c != MINOR_SIGNAL)

    @property
    def overall_recall(self) -> float:
        caught = sum(n for c, n in self.correct.items() if c != MINOR_SIGNAL)
        return caught / self.harmful if self.harmful else 1.0

    @property
    def harmful_flagged(self) -> int:
        """Harmful messages flagged with any category (the right one or not)."""
        return sum(
            n for (label, got), n in self.confusion.items() if label != BENIGN and got != ALLOWED
        )

    @property
    def false_positive_rate(self) -> float:
        return self.benign_flagged / self.benign if self.benign else 0.0

    @property
    def critical_stopped_rate(self) -> float:
        return self.critical_stopped / self.critical if self.critical else 1.0

    def add(
        self, label: str, flags: Iterable[str], verdict: Verdict, text: str, kind: str = NO_KIND
    ) -> None:
        flagged = verdict.action is not Action.ALLOW
        got = ",".join(c.value for c in verdict.categories) if flagged else ALLOWED
        categories = {c.value for c in verdict.categories} if flagged else set()
        first = verdict.categories[0].value if flagged and verdict.categories else ALLOWED
        self.confusion[(label, first if label not in categories else label)] += 1
        for category in categories:
            self.flagged[category] += 1
        if label in CRITICAL:
            self.critical += 1
            self.critical_stopped += verdict.action >= Action.HOLD
        if label == BENIGN:
            self.benign += 1
            if flagged:
                self.benign_flagged += 1
                self.false_by_kind[kind] += 1
                if self.keep_texts:
                    self.false_alarms.append((got, text))
        else:
            self.labelled[label] += 1
            if label in categories:
                self.correct[label] += 1
            else:
                self.missed_by_kind[kind] += 1
                if self.keep_texts:
                    self.missed.append((label, got, text))
        expects_minor = MINOR_FLAG in flags
        said_minor = MINOR_FLAG in verdict.flags
        if expects_minor:
            self.labelled[MINOR_SIGNAL] += 1
        if said_minor:
            self.flagged[MINOR_SIGNAL] += 1
        if expects_minor and said_minor:
            self.correct[MINOR_SIGNAL] += 1
        elif expects_minor and self.keep_texts:
            self.missed.append((MINOR_SIGNAL, "no flag", text))
        elif said_minor and not expects_minor and self.keep_texts:
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
                    "f1": round(self.f1(c), 3),
                }
                for c in categories
            },
            "overall_recall": round(self.overall_recall, 3),
            "harmful": self.harmful,
            "harmful_flagged_any": self.harmful_flagged,
            "critical": self.critical,
            "critical_stopped_rate": round(self.critical_stopped_rate, 3),
            "benign": self.benign,
            "false_positive_rate": round(self.false_positive_rate, 4),
            "confusion": {f"{a}->{b}": n for (a, b), n in sorted(self.confusion.items())},
            "false_positives_by_kind": dict(self.false_by_kind.most_common()),
            "missed_by_kind": dict(self.missed_by_kind.most_common()),
        }


def read_lines(path: Path) -> Iterator[bytes]:
    """The lines of a JSON Lines file, gzipped (``.gz``) or not."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    yield from data.splitlines()


def is_sealed(path: Path) -> bool:
    """Sealed held-out sets (tests/corpus/sealed/, gzipped): aggregates only, no texts."""
    return path.suffix == ".gz" or "sealed" in path.parts


def evaluate(
    engine: ModerationEngine, lines: Iterable[bytes | str], keep_texts: bool = True
) -> Scores:
    scores = Scores(keep_texts=keep_texts)
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        line = orjson.loads(raw)
        verdicts = judge_line(engine, line, number)
        kind = str(line.get("kind") or NO_KIND)
        if "messages" in line:
            for message, verdict in zip(line["messages"], verdicts, strict=True):
                scores.add(
                    message["label"],
                    message.get("flags", ()),
                    verdict,
                    message["text"],
                    str(message.get("kind") or kind),
                )
        else:
            scores.add(line["label"], line.get("flags", ()), verdicts[0], line["text"], kind)
    return scores


def report(scores: Scores, name: str, misses_by_kind: bool = True) -> str:
    """The figures of one file as text: no message text, ever. A sealed set's misses are
    not listed by kind (its false positives are): the kinds of what slipped through would
    say too much about the texts."""
    data = scores.to_json()
    rows = [
        f"{name}",
        f"{'category':<16}{'n':>5}{'flagged':>9}{'precision':>11}{'recall':>8}{'F1':>7}",
    ]
    for category, c in data["categories"].items():
        rows.append(
            f"{category:<16}{c['labelled']:>5}{c['flagged']:>9}"
            f"{c['precision']:>11.2f}{c['recall']:>8.2f}{c['f1']:>7.2f}"
        )
    rows.append(
        f"overall recall {scores.overall_recall:.3f} on {scores.harmful} harmful messages "
        f"(flagged with any category: {scores.harmful_flagged / max(1, scores.harmful):.3f}); "
        f"false positives {scores.benign_flagged}/{scores.benign} benign "
        f"({scores.false_positive_rate:.1%})"
    )
    rows.append(
        f"child_safety/grooming/sexual_violence held, blocked or escalated: "
        f"{scores.critical_stopped}/{scores.critical} ({scores.critical_stopped_rate:.1%})"
    )
    rows.append(_confusion(scores))
    if scores.false_by_kind:
        rows.append("false positives by kind: " + _counts(scores.false_by_kind))
    if scores.missed_by_kind and misses_by_kind:
        rows.append("missed by kind: " + _counts(scores.missed_by_kind))
    return "\n".join(rows)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in counter.most_common())


_SHORT = {
    "child_safety": "child",
    "grooming": "groom",
    "sexual_violence": "sxviol",
    "personal_data": "pdata",
    "harassment": "harass",
    "sexual_content": "sexual",
    "violence": "viol",
}


def _confusion(scores: Scores) -> str:
    """Rows: the label; columns: the category the engine named first (or allow)."""
    labels = sorted({a for a, _ in scores.confusion})
    got = [*sorted({b for _, b in scores.confusion} - {ALLOWED}), ALLOWED]
    short = {g: _SHORT.get(g, g[:6]) for g in got}
    rows = ["confusion (rows: label, columns: first category named)"]
    rows.append(f"{'':<16}" + "".join(f"{short[g]:>7}" for g in got))
    for label in labels:
        cells = "".join(f"{scores.confusion[(label, g)] or '.':>7}" for g in got)
        rows.append(f"{label:<16}{cells}")
    return "\n".join(rows)
