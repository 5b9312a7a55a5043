"""Fit the text model, choose its thresholds, and measure it (scikit-learn; training only).

The model: binary tf-idf over the features of text/features.py (char 3-5-grams of the
normalised text, whole words, word pairs; optionally the previous message's words),
one logistic regression per category (multi-label: a message may pass several).
The serving code (safety/learned.py) evaluates the same function by hand with numpy.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression

from papote.safety.text.features import text_features
from papote.safety.training.augment import augment
from papote.safety.training.data import BENIGN, LABELS, Example

CRITICAL = frozenset({"child_safety", "grooming", "sexual_violence"})
Doc = tuple[str, str | None]


@dataclass
class Fitted:
    vectorizer: CountVectorizer
    tfidf: TfidfTransformer
    models: dict[str, LogisticRegression | None]  # None: no positive example
    context: bool

    def predict(self, docs: Sequence[Doc]) -> npt.NDArray[np.float64]:
        x = self.tfidf.transform(self.vectorizer.transform(docs))
        out = np.zeros((len(docs), len(LABELS)))
        for j, label in enumerate(LABELS):
            model = self.models[label]
            if model is not None:
                out[:, j] = model.predict_proba(x)[:, 1]
        return out


Analyzer = Callable[[Doc], list[str]]


def papote_features(doc: Doc) -> list[str]:
    """The features served by safety/learned.py (text/features.py)."""
    return list(text_features(doc[0], doc[1]))


def sized_features(sizes: tuple[int, ...]) -> Analyzer:
    """The served features with other character n-gram sizes."""
    return lambda doc: list(text_features(doc[0], doc[1], sizes))


def docs_of(examples: Sequence[Example], context: bool) -> list[Doc]:
    return [(e.text, e.previous if context else None) for e in examples]


def targets(examples: Sequence[Example]) -> npt.NDArray[np.int8]:
    y = np.zeros((len(examples), len(LABELS)), dtype=np.int8)
    index = {label: j for j, label in enumerate(LABELS)}
    for i, e in enumerate(examples):
        if e.label in index:
            y[i, index[e.label]] = 1
    return y


def augmented(examples: Sequence[Example], copies: int, seed: int) -> list[Example]:
    """The examples and ``copies`` evasive rewrites of each (harmful and benign alike)."""
    rng = random.Random(seed)
    out = list(examples)
    for e in examples:
        for text in augment(e.text, rng, copies):
            out.append(Example(text, e.previous, e.label, e.source, e.kind, e.group, e.channel))
    return out


def fit(
    examples: Sequence[Example],
    *,
    c: float = 8.0,
    context: bool = False,
    copies: int = 2,
    seed: int = 7,
    min_df: int = 2,
    analyzer: Analyzer = papote_features,
) -> Fitted:
    train = augmented(examples, copies, seed) if copies else list(examples)
    vectorizer = CountVectorizer(analyzer=analyzer, binary=True, min_df=min_df, dtype=np.float32)
    counts = vectorizer.fit_transform(docs_of(train, context))
    tfidf = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True)
    x = tfidf.fit_transform(counts)
    y = targets(train)
    models: dict[str, LogisticRegression | None] = {}
    for j, label in enumerate(LABELS):
        if y[:, j].sum() == 0:
            models[label] = None
            continue
        # the dual problem: far fewer examples than features, same solution, ~5x faster
        model = LogisticRegression(
            C=c, solver="liblinear", dual=True, max_iter=400, random_state=seed
        )
        model.fit(x, y[:, j])
        models[label] = model
    return Fitted(vectorizer, tfidf, models, context)


def _precision_recall(
    pred: npt.NDArray[np.bool_], y: npt.NDArray[np.int8], w: npt.NDArray[np.float64]
) -> tuple[float, float]:
    """Precision with every negative weighted by ``w`` (benign messages count more: they
    are most of real traffic), and recall."""
    positives = int(y.sum())
    tp = float((pred & (y == 1)).sum())
    fp = float(w[pred & (y == 0)].sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    return precision, (tp / positives if positives else 0.0)


def pr_curve_threshold(
    p: npt.NDArray[np.float64],
    y: npt.NDArray[np.int8],
    w: npt.NDArray[np.float64],
    beta: float,
    floor: float | None = None,
) -> tuple[float, float]:
    """The threshold with the best (weighted) F-beta on these scores, and that F-beta."""
    best_t, best_f = 0.5, -1.0
    if int(y.sum()) == 0:
        return 1.01, 0.0
    low = REVIEW_FLOOR if floor is None else floor
    for t in np.unique(np.round(p, 3)):
        if t < low or t > 0.95:
            continue
        precision, recall = _precision_recall(p >= t, y, w)
        if precision + recall == 0:
            continue
        f = (1 + beta**2) * precision * recall / (beta**2 * precision + recall)
        if f > best_f:
            best_t, best_f = float(t), f
    return best_t, best_f


def act_threshold(
    p: npt.NDArray[np.float64],
    y: npt.NDArray[np.int8],
    w: npt.NDArray[np.float64],
    low: float,
    precision: float,
) -> float:
    """The lowest threshold from ``low`` (and ACT_FLOOR) up whose weighted validation
    precision reaches ``precision``."""
    low = max(low, ACT_FLOOR)
    for t in sorted(set(np.round(p[p >= low], 3).tolist())):
        if _precision_recall(p >= t, y, w)[0] >= precision:
            return max(float(t), low)
    return 1.01  # never reached: the model alone never takes the strong action


# per category: (action when the review threshold is passed, action when the act one is).
# The model alone never escalates: an escalation for child safety or grooming suspends
# the sender at once (actions/minors.py), which is for the rules' exact evidence and the
# conversation-level checks; a model verdict on the most serious categories holds the
# message and queues it for a moderator.
POLICY: dict[str, tuple[str, str]] = {
    "child_safety": ("hold", "hold"),
    "grooming": ("hold", "hold"),
    "sexual_violence": ("hold", "hold"),
    "ncii": ("hold", "hold"),
    "hate": ("hold", "block"),
    "violence": ("hold", "block"),
    "drugs": ("hold", "block"),
    "personal_data": ("warn", "warn"),
    "scam": ("hold", "block"),
    "spam": ("hold", "hold"),
    "harassment": ("warn", "block"),
    "sexual_content": ("warn", "warn"),
}
ACT_PRECISION = 0.95  # weighted validation precision the strong action asks for
ACT_FLOOR = 0.5  # and never below this probability
# the review threshold is never below this probability: the validation split is a poor
# guide to the everyday lines a model scores low (a flirt's "tu m'envoies une photo ?")
REVIEW_FLOOR = 0.3
# share of a category's own (out-of-source) messages that a veto may let through
VETO_SHARE = 0.02
# under suspicion (see alert_threshold), for the most serious categories only
ALERT_FLOOR = 0.1
BENIGN_BUDGET = 0.03  # share of benign validation messages the model alone may flag
# thresholds are chosen as if 95% of messages were benign (about half of the validation
# split is harmful; in a chat, 95% or more of the messages are benign)
BENIGN_PRIOR = 0.95


def benign_weights(y: npt.NDArray[np.int8], prior: float = BENIGN_PRIOR) -> npt.NDArray[np.float64]:
    """Per example: 1 for a harmful one, and for a benign one the weight that makes
    benign messages ``prior`` of the total."""
    benign = y.sum(axis=1) == 0
    n_benign, n_harmful = int(benign.sum()), int((~benign).sum())
    weight = prior / (1 - prior) * n_harmful / n_benign if n_benign and n_harmful else 1.0
    return np.where(benign, weight, 1.0)


def alert_threshold(p: npt.NDArray[np.float64], y: npt.NDArray[np.int8], review_at: float) -> float:
    """The threshold for a conversation already under suspicion (the other person is or
    may be a minor, or a sexual-violence plan is under way): the best F2 with benign and
    harmful messages weighted alike (in such a conversation harm is no longer rare), kept
    at or above ALERT_FLOOR and at or below the usual review threshold."""
    t, _ = pr_curve_threshold(p, y, np.ones(len(y)), 2.0, floor=ALERT_FLOOR)
    return min(max(t, ALERT_FLOOR), review_at)


def veto_threshold(p: npt.NDArray[np.float64], y: npt.NDArray[np.int8], review_at: float) -> float:
    """The score under which the model contradicts a rule of this category: the
    VETO_SHARE quantile of the category's own messages (so a veto would let through at
    most that share of them), never above a tenth of the review threshold."""
    own = p[y == 1]
    if len(own) < 20:
        return 0.0
    return float(min(np.quantile(own, VETO_SHARE), review_at / 10))


def choose_thresholds(
    p: npt.NDArray[np.float64], y: npt.NDArray[np.int8], benign_budget: float = BENIGN_BUDGET
) -> dict[str, dict[str, Any]]:
    """Per category: the review threshold (best weighted F2 for the most serious
    categories, F1 otherwise), raised where needed so that the model flags at most
    ``benign_budget`` of the benign validation messages, and the act threshold (weighted
    validation precision >= ACT_PRECISION, probability >= ACT_FLOOR)."""
    w = benign_weights(y)
    review = np.array([pr_curve_threshold(p[:, j], y[:, j], w, 2.0 if label in CRITICAL else 1.0)[0]
                       for j, label in enumerate(LABELS)])  # fmt: skip
    benign = y.sum(axis=1) == 0
    # greedy: the category that flags the most benign messages raises its threshold just
    # past the lowest benign score it flags, until the budget holds
    for _ in range(500):
        flagged = p[benign] >= review
        if not benign.any() or flagged.any(axis=1).mean() <= benign_budget:
            break
        j = int(flagged.sum(axis=0).argmax())
        scores = p[benign, j][flagged[:, j]]
        review[j] = min(1.01, float(np.sort(scores)[0]) + 1e-3)
    out: dict[str, dict[str, Any]] = {}
    for j, label in enumerate(LABELS):
        review_at = float(review[j])
        act_at = act_threshold(p[:, j], y[:, j], w, review_at, ACT_PRECISION)
        pred = p[:, j] >= review_at
        tp = int((pred & (y[:, j] == 1)).sum())
        positives = int(y[:, j].sum())
        review_action, act = POLICY[label]
        out[label] = {
            "review_at": round(review_at, 4),
            "review": review_action,
            "alert_at": round(alert_threshold(p[:, j], y[:, j], review_at), 4)
            if label in CRITICAL
            else round(review_at, 4),
            "veto_at": round(veto_threshold(p[:, j], y[:, j], review_at), 5),
            "act_at": round(max(act_at, review_at), 4),
            "act": act,
            "validation_positives": positives,
            "validation_recall": round(tp / positives, 3) if positives else None,
            "validation_precision": round(tp / int(pred.sum()), 3) if pred.any() else None,
        }
    return out


def export_arrays(fitted: Fitted) -> tuple[list[str], dict[str, npt.NDArray[Any]]]:
    """The feature list and the arrays safety/learned.py evaluates."""
    vocabulary: dict[str, int] = fitted.vectorizer.vocabulary_
    features = [""] * len(vocabulary)
    for feature, i in vocabulary.items():
        features[i] = feature
    idf = fitted.tfidf.idf_.astype(np.float64)
    weights = np.zeros((len(features), len(LABELS)))
    bias = np.full(len(LABELS), -20.0)
    for j, label in enumerate(LABELS):
        model = fitted.models[label]
        if model is not None:
            weights[:, j] = model.coef_[0] * idf
            bias[j] = model.intercept_[0]
    return features, {
        "weights": weights.astype(np.float16),
        "idf2": (idf**2).astype(np.float32),
        "bias": bias.astype(np.float32),
    }


def harmful_or_benign(examples: Sequence[Example]) -> list[Example]:
    """Examples with a label the model learns (a category or benign)."""
    return [e for e in examples if e.label in LABELS or e.label == BENIGN]
