"""Training the conversation model (safety/conversation_model.py) in `papote moderation train`.

Its inputs are the text model's scores of every message of a conversation. Live, the
text model scores text it never saw; here each conversation's messages are scored by a
model fitted without their writer (``out_of_source`` in command.py), so the
conversation model learns from scores as they look on a stranger's text.

Only messages with at least one message before them are learned from (a first message
is the text model's alone). The thresholds are chosen on scores the conversation model
gives to writers it was not fitted on (leave one source out), with a benign budget of
its own: it only adds to the text model's verdicts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

from papote.safety.conversation_model import (
    DEFAULT_VERSION,
    FORMAT,
    conversation_features,
    feature_names,
    worth_reading,
)
from papote.safety.text.minors import minor_signal
from papote.safety.text.normalise import normalise
from papote.safety.training.data import LABELS, Example
from papote.safety.training.fit import choose_thresholds, targets
from papote.safety.training.metrics import figures

BENIGN_BUDGET = 0.01  # of the benign messages after the first, flagged by this model alone
MIN_SOURCE = 40  # a source with fewer learnable messages is not held out on its own
C = 0.1  # strong regularisation: chosen out of source (0.1, 0.3, 1, 3 tried)

Scored = dict[str, tuple[list[Example], npt.NDArray[np.float64]]]


@dataclass
class Rows:
    x: npt.NDArray[np.float64]
    examples: list[Example]
    text_scores: npt.NDArray[np.float64]  # the text model's own scores of each row's message
    read: npt.NDArray[np.bool_]  # rows the served model reads (conversation_model.GATE)


def rows_of(scored: Scored) -> Rows:
    """One row per conversation message that has a message before it."""
    xs: list[npt.NDArray[np.float64]] = []
    kept: list[Example] = []
    own: list[npt.NDArray[np.float64]] = []
    read: list[bool] = []
    for held, p in scored.values():
        conversations: dict[str, list[int]] = defaultdict(list)
        for i, e in enumerate(held):
            if e.turn >= 0:
                conversations[e.group].append(i)
        for indices in conversations.values():
            indices.sort(key=lambda i: held[i].turn)
            minor_said: set[str] = set()  # senders whose own words say they may be minors
            for k, i in enumerate(indices):
                e = held[i]
                if minor_signal(normalise(e.text).folded, False, False) is not None:
                    minor_said.add(e.sender)
                if k == 0:
                    continue
                before = [held[j] for j in indices[:k]]
                others = [b for b in before if b.sender != e.sender]
                recipient_age = others[-1].age if others else None
                other_minor = any(b.sender in minor_said for b in others) or (
                    e.channel == "dm" and recipient_age is not None and recipient_age < 18
                )
                xs.append(
                    conversation_features(
                        p[i].tolist(),
                        [p[j].tolist() for j, b in zip(indices[:k], before, strict=True)
                         if b.sender == e.sender],
                        [p[j].tolist() for j, b in zip(indices[:k], before, strict=True)
                         if b.sender != e.sender],
                        other_minor=other_minor,
                        dm=e.channel == "dm",
                        sender_age=e.age,
                        recipient_age=recipient_age,
                    )
                )  # fmt: skip
                kept.append(e)
                own.append(p[i])
                read.append(
                    worth_reading(
                        float(p[i].max()), [float(p[j].max()) for j in indices[:k]], other_minor
                    )
                )
    x = np.vstack(xs) if xs else np.zeros((0, len(feature_names(LABELS))))
    return Rows(
        x, kept, np.array(own) if own else np.zeros((0, len(LABELS))), np.array(read, dtype=bool)
    )


def _fit(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.int8]
) -> tuple[list[list[float]], list[float]]:
    weights, bias = [], []
    for j in range(y.shape[1]):
        if y[:, j].sum() < 3:
            weights.append([0.0] * x.shape[1])
            bias.append(-20.0)
            continue
        model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
        model.fit(x, y[:, j])
        weights.append(model.coef_[0].tolist())
        bias.append(float(model.intercept_[0]))
    return weights, bias


def _predict(
    x: npt.NDArray[np.float64], weights: list[list[float]], bias: list[float]
) -> npt.NDArray[np.float64]:
    z: npt.NDArray[np.float64] = x @ np.array(weights).T + np.array(bias)
    p: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))
    return p


def train_conversation_model(
    scored: Scored, text_thresholds: dict[str, dict[str, Any]], text_version: str
) -> dict[str, Any] | None:
    """The conversation model's artefact (a JSON-able dict), or None without conversations."""
    rows = rows_of(scored)
    if len(rows.examples) < 100:
        return None
    y = targets(rows.examples)
    sources = np.array([e.source for e in rows.examples])
    held_out = np.zeros_like(y, dtype=np.float64)
    names = sorted(set(sources.tolist()))
    big = [s for s in names if (sources == s).sum() >= MIN_SOURCE]
    read = rows.read
    for source in names:
        test = sources == source
        if source not in big or test.all():
            continue
        w, b = _fit(rows.x[~test & read], y[~test & read])
        held_out[test] = _predict(rows.x[test], w, b)
    held_out[~read] = 0.0  # the served model does not read these
    judged = np.isin(sources, big)
    thresholds = choose_thresholds(held_out[judged], y[judged], BENIGN_BUDGET)
    weights, bias = _fit(rows.x[read], y[read])
    chosen_on = [e for e, k in zip(rows.examples, judged, strict=True) if k]
    text_alone = figures(chosen_on, rows.text_scores[judged], text_thresholds)
    both = np.maximum(
        _as_flags(rows.text_scores[judged], text_thresholds),
        _as_flags(held_out[judged], thresholds),
    )
    return {
        "format": FORMAT,
        "version": DEFAULT_VERSION,
        "text_model": text_version,
        "labels": list(LABELS),
        "features": feature_names(LABELS),
        "weights": weights,
        "bias": bias,
        "thresholds": thresholds,
        "training": {
            "messages": len(rows.examples),
            "sources": {s: int((sources == s).sum()) for s in names},
            "held_out_sources": big,
            "c": C,
            "benign_budget": BENIGN_BUDGET,
            "read": int(read.sum()),
        },
        "evaluation": {
            "out_of_source_conversation_model": figures(chosen_on, held_out[judged], thresholds),
            "out_of_source_text_model_alone": text_alone,
            "out_of_source_either": figures(chosen_on, both, _at_half(text_thresholds)),
        },
    }


def _as_flags(
    p: npt.NDArray[np.float64], thresholds: dict[str, dict[str, Any]]
) -> npt.NDArray[np.float64]:
    """1.0 where a score passes its category's review threshold, else 0.0."""
    at = np.array([thresholds[label]["review_at"] for label in LABELS])
    return (p >= at).astype(np.float64)


def _at_half(thresholds: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Thresholds that read 0/1 flags, with the categories' review actions."""
    return {k: {**v, "review_at": 0.5, "act_at": 0.5} for k, v in thresholds.items()}


def summary(artefact: dict[str, Any], labels: Sequence[str] = LABELS) -> str:
    ev = artefact["evaluation"]
    lines = ["conversation model, out of source (messages after the first):"]
    for name in (
        "out_of_source_text_model_alone",
        "out_of_source_conversation_model",
        "out_of_source_either",
    ):
        f = ev[name]
        lines.append(
            f"  {name}: " + ", ".join(f"{k} {v}" for k, v in f.items() if not isinstance(v, dict))
        )
    return "\n".join(lines)
