"""One verdict type for every safety decision.

Every hook of the pipeline returns a :class:`Verdict`; the pipeline keeps the most
severe one. The order of :class:`Action` is the order of severity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class Action(IntEnum):
    """What happens to the content, least severe first."""

    ALLOW = 0
    WARN = 1  # the sender is asked to confirm or rephrase; not delivered until confirmed
    HOLD = 2  # not delivered; queued for a moderator
    BLOCK = 3  # rejected with the category and a French explanation
    ESCALATE = 4  # blocked, reported with its context to the top of the queue

    @property
    def label(self) -> str:
        return self.name.lower()


class Category(StrEnum):
    """Moderation categories of the wire protocol."""

    CHILD_SAFETY = "child_safety"
    GROOMING = "grooming"
    SEXUAL_VIOLENCE = "sexual_violence"
    NCII = "ncii"
    HATE = "hate"
    VIOLENCE = "violence"
    DRUGS = "drugs"
    PERSONAL_DATA = "personal_data"
    SCAM = "scam"
    SPAM = "spam"
    HARASSMENT = "harassment"
    SEXUAL_CONTENT = "sexual_content"
    OTHER = "other"


class NoticeTarget(StrEnum):
    SENDER = "sender"
    RECIPIENT = "recipient"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Nudge:
    """A short safety notice (in French) for the people in a conversation."""

    key: str  # stable id, used to keep nudges rare (one per key per conversation)
    text: str
    target: NoticeTarget = NoticeTarget.BOTH
    level: str = "info"


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action = Action.ALLOW
    categories: tuple[Category, ...] = ()
    score: float = 0.0
    rule: str | None = None  # id of the rule or detector that fired
    explanation: str | None = None  # French, for the sender; reveals no detection detail
    nudges: tuple[Nudge, ...] = field(default=())
    # Facts a hook learned (e.g. {"possibly_minor": "sender"}); read by the actions layer.
    flags: frozenset[str] = field(default=frozenset())
    # every rule id and model ("model:<version>:<category>") that found something, worst first
    evidence: tuple[str, ...] = ()

    @property
    def category(self) -> Category | None:
        return self.categories[0] if self.categories else None

    def to_json(self) -> dict[str, object]:
        return {
            "action": self.action.label,
            "categories": [c.value for c in self.categories],
            "score": round(self.score, 3),
        }


ALLOW = Verdict()


def most_severe(verdicts: list[Verdict]) -> Verdict:
    """The most severe verdict wins; ties go to the higher score.

    Nudges and flags of every verdict are kept, so that an allowed message can still
    carry a safety notice and a blocked one still records what was learned.
    """
    if not verdicts:
        return ALLOW
    worst = max(verdicts, key=lambda v: (v.action, v.score))
    nudges = tuple(n for v in verdicts for n in v.nudges)
    flags = frozenset().union(*(v.flags for v in verdicts))
    evidence = tuple(dict.fromkeys(e for v in (worst, *verdicts) for e in v.evidence))
    categories = list(worst.categories)
    for v in verdicts:
        if v.action == worst.action:
            categories.extend(c for c in v.categories if c not in categories)
    return Verdict(
        action=worst.action,
        categories=tuple(categories),
        score=worst.score,
        rule=worst.rule,
        explanation=worst.explanation,
        nudges=nudges,
        flags=flags,
        evidence=evidence,
    )
