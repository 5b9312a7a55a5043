"""The learned conversation model: what a message means after what its sender already said.

The text model (learned.py) reads one message. Grooming and planned sexual violence are
told over several, each step mild alone ("t'es en quelle classe ?", "t'as snap ?", "tes
parents rentrent quand ?"). This model reads a private conversation or a room thread as
a whole, from the text model's scores of every remembered message (the memory keeps
them: :attr:`MemoryEntry.scores`), not from keywords:

- the scores of this message, the highest score of each category over the sender's
  earlier messages and over the others' (what the conversation already showed);
- whether the other side is or may be a minor (declared age, their own words), and the
  same crossed with this message's and the sender's scores (the same words weigh more
  towards a minor);
- how far the sender went (earlier messages, how many of them the text model flagged)
  and the age gap in a private conversation.

One logistic regression per category over those features, trained by
``papote moderation train`` on the conversations of data/moderation/ with the text
model's *out-of-source* scores (each writer scored by a model that never saw them, as
live text is), thresholds chosen on out-of-source conversations too. The same
:func:`conversation_features` builds the features in training and in the engine.
See docs/moderation.md ("The conversation model") and docs/model-card.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from papote.safety.verdict import Action, Category

Floats = npt.NDArray[np.float64]
FORMAT = "papote-conversation-model/1"
MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_VERSION = "conv-v2"
FLAGGED_AT = 0.5  # an earlier message the text model scored this high in some category
MAX_TURNS = 10  # earlier messages of the sender counted (the memory keeps 20 in all)
AGE_GAP_SCALE = 20.0
# the model reads a conversation only where something in it is worth reading: this
# message or a remembered one scored at least this high in some category, or a minor on
# the other side (everyday traffic costs nothing; training applies the same gate)
GATE = 0.3
# the harms told over several messages: there a step may look innocent alone ("adresse ?"
# in a plan). Elsewhere (insults, threats, scams, spam...) what the sender said before
# weighs on this message only if the message itself says some of it: a sender's ordinary
# line after a refused one is not held for it
CONTINUED = frozenset(
    {Category.CHILD_SAFETY, Category.GROOMING, Category.SEXUAL_VIOLENCE, Category.NCII}
)
SELF_FLOOR = 0.15  # outside CONTINUED: this message's own text-model score, at least


class ConversationModelError(ValueError):
    """The artefact is missing, of another format, or made for another text model."""


def feature_names(labels: Sequence[str]) -> list[str]:
    """The names of :func:`conversation_features`' values, in order."""
    names = [f"now:{c}" for c in labels]
    names += [f"sender_max:{c}" for c in labels]
    names += [f"others_max:{c}" for c in labels]
    names += [f"minor_x_now:{c}" for c in labels]
    names += [f"minor_x_sender_max:{c}" for c in labels]
    return [*names, "other_minor", "dm", "sender_turns", "sender_flagged", "age_gap"]


def conversation_features(
    now: Sequence[float],
    sender_past: Sequence[Sequence[float]],
    others_past: Sequence[Sequence[float]],
    *,
    other_minor: bool,
    dm: bool,
    sender_age: int | None,
    recipient_age: int | None,
) -> Floats:
    """The features of one message (see the module's docstring). ``now`` and each row of
    the pasts hold the text model's probabilities, in its label order; a remembered
    message without scores is an empty row (it counts as a turn, adds no score)."""
    size = len(now)
    current = np.asarray(now, dtype=np.float64)
    sender_rows = _rows(sender_past, size)
    sender_max = sender_rows.max(axis=0) if len(sender_rows) else np.zeros(size)
    others_rows = _rows(others_past, size)
    others_max = others_rows.max(axis=0) if len(others_rows) else np.zeros(size)
    minor = 1.0 if other_minor else 0.0
    flagged = int((sender_rows.max(axis=1) >= FLAGGED_AT).sum()) if len(sender_rows) else 0
    gap = 0.0
    if dm and sender_age is not None and recipient_age is not None:
        gap = max(-1.0, min(1.0, (sender_age - recipient_age) / AGE_GAP_SCALE))
    tail = (
        minor,
        1.0 if dm else 0.0,
        min(len(sender_past), MAX_TURNS) / MAX_TURNS,
        min(flagged, 5) / 5.0,
        gap,
    )
    return np.concatenate(
        (current, sender_max, others_max, minor * current, minor * sender_max, tail)
    )


def _rows(rows: Sequence[Sequence[float]], size: int) -> Floats:
    """The scored rows as an array (rows without scores left out)."""
    scored = [row for row in rows if row]
    return np.asarray(scored, dtype=np.float64) if scored else np.zeros((0, size))


def worth_reading(peak: float, past_peaks: Iterable[float], other_minor: bool) -> bool:
    """Whether the conversation model has anything to read (:data:`GATE`): ``peak`` is
    this message's highest text-model probability, ``past_peaks`` the remembered ones'."""
    if other_minor or peak >= GATE:
        return True
    return any(p >= GATE for p in past_peaks)


@dataclass(frozen=True, slots=True)
class Found:
    """A category the conversation model flags, with its probability and action."""

    category: Category
    score: float
    action: Action
    past_act: bool  # the score passed the category's act threshold


class ConversationModel:
    def __init__(
        self,
        version: str,
        text_model: str,
        labels: Sequence[str],
        weights: Sequence[Sequence[float]],
        bias: Sequence[float],
        thresholds: dict[str, dict[str, Any]],
    ) -> None:
        size = len(feature_names(labels))
        if len(weights) != len(labels) or any(len(w) != size for w in weights):
            raise ConversationModelError("weights and features disagree in size")
        self.version = version
        self.text_model = text_model  # its inputs are this text model's scores
        self.labels = tuple(labels)
        self._weights = np.asarray(weights, dtype=np.float64)
        self._bias = np.asarray(bias, dtype=np.float64)
        self._categories = [Category(label) for label in labels]
        self._review_at = np.array([float(thresholds[c]["review_at"]) for c in labels])
        self._act_at = [float(thresholds[c]["act_at"]) for c in labels]
        self._actions = [
            (
                Action[str(thresholds[c]["review"]).upper()],
                Action[str(thresholds[c]["act"]).upper()],
            )
            for c in labels
        ]

    @classmethod
    def load(cls, path: Path | None = None) -> ConversationModel:
        meta_path = path or MODELS_DIR / f"{DEFAULT_VERSION}.json"
        try:
            meta: dict[str, Any] = orjson.loads(meta_path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise ConversationModelError(f"cannot read {meta_path}: {exc}") from exc
        if meta.get("format") != FORMAT:
            raise ConversationModelError(f"{meta_path}: format {meta.get('format')!r}")
        return cls(
            meta["version"],
            meta["text_model"],
            meta["labels"],
            meta["weights"],
            meta["bias"],
            meta["thresholds"],
        )

    def probabilities(self, features: Floats) -> Floats:
        z = np.clip(self._weights @ features + self._bias, -700.0, 700.0)
        p: Floats = 1.0 / (1.0 + np.exp(-z))
        return p

    def found(self, features: Floats) -> list[Found]:
        """The categories whose probability passes their review threshold (outside
        :data:`CONTINUED`, only where this message's own score reaches SELF_FLOOR: the
        first values of ``features`` are its scores)."""
        p = self.probabilities(features)
        out = []
        for j in np.flatnonzero(p >= self._review_at).tolist():
            category = self._categories[j]
            if category not in CONTINUED and features[j] < SELF_FLOOR:
                continue
            score = float(p[j])
            review, act = self._actions[j]
            past_act = score >= self._act_at[j]
            out.append(Found(category, score, act if past_act else review, past_act))
        return out
