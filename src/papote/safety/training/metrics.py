"""Figures of a fitted model on a split, from its probabilities and thresholds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score

from papote.safety.training.data import BENIGN, LABELS, Example
from papote.safety.training.fit import CRITICAL


def figures(
    examples: Sequence[Example],
    p: npt.NDArray[np.float64],
    thresholds: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """Per category precision, recall, F1 and average precision; harmful messages flagged
    (any category), benign messages flagged, and the most serious ones stopped."""
    review = np.array([thresholds[label]["review_at"] for label in LABELS])
    flagged = p >= review  # (n, labels)
    labels = [e.label for e in examples]
    per: dict[str, dict[str, float | int]] = {}
    for j, label in enumerate(LABELS):
        y = np.array([lab == label for lab in labels])
        n = int(y.sum())
        if n == 0:
            continue
        tp = int((flagged[:, j] & y).sum())
        fp = int((flagged[:, j] & ~y).sum())
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / n
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {
            "n": n,
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "ap": round(float(average_precision_score(y, p[:, j])), 3),
        }
    any_flag: npt.NDArray[np.bool_] = np.asarray(flagged.any(axis=1))
    benign = np.array([lab == BENIGN for lab in labels])
    harmful = np.array([lab in LABELS for lab in labels])
    critical = np.array([lab in CRITICAL for lab in labels])
    # a message of the most serious categories is stopped by a review or act verdict of
    # any category whose review action is hold or more
    stopping = np.array([thresholds[label]["review"] == "hold" for label in LABELS])
    stopped: npt.NDArray[np.bool_] = np.asarray((flagged & stopping).any(axis=1))
    f1s = [v["f1"] for v in per.values()]
    return {
        "categories": per,
        "macro_f1": round(float(np.mean(f1s)), 3) if f1s else 0.0,
        "macro_ap": round(float(np.mean([v["ap"] for v in per.values()])), 3) if per else 0.0,
        "harmful": int(harmful.sum()),
        "harmful_flagged": round(float(any_flag[harmful].mean()), 3) if harmful.any() else 0.0,
        "benign": int(benign.sum()),
        "benign_flagged": round(float(any_flag[benign].mean()), 4) if benign.any() else 0.0,
        "critical_stopped": round(float(stopped[critical].mean()), 3) if critical.any() else 0.0,
    }


def table(name: str, data: Mapping[str, Any]) -> str:
    rows = [
        f"{name}: macro F1 {data['macro_f1']:.3f}, macro AP {data['macro_ap']:.3f}; "
        f"harmful flagged {data['harmful_flagged']:.3f} of {data['harmful']}; "
        f"benign flagged {data['benign_flagged']:.1%} of {data['benign']}; "
        f"critical stopped {data['critical_stopped']:.3f}"
    ]
    for label, c in data["categories"].items():
        rows.append(
            f"  {label:<16}{c['n']:>6}  P {c['precision']:.2f}  R {c['recall']:.2f}  "
            f"F1 {c['f1']:.2f}  AP {c['ap']:.2f}"
        )
    return "\n".join(rows)
