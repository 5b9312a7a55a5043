"""Which case comes first, when it is due, and how much one report weighs.

Child safety and threats to life come first (severity 0 and 1), then the rest; within a
severity, the oldest case first. Each severity has a target time to first action; the
queue shows the time left. A reporter whose reports are often dismissed weighs less
(Discourse's flagger accuracy): a case made only of such reports drops in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass

MINUTE_MS = 60_000

# Lower is sooner. "violence" holds threats to life and calls to violence.
SEVERITY: dict[str, int] = {
    "child_safety": 0,
    "grooming": 0,
    "violence": 1,
    "sexual_violence": 2,
    "ncii": 2,
    "hate": 4,
    "harassment": 4,
    "personal_data": 4,
    "scam": 5,
    "drugs": 6,
    "spam": 7,
    "other": 8,
}
# Target time to the first action, by severity.
TARGET_MS: dict[int, int] = {
    0: 30 * MINUTE_MS,
    1: 30 * MINUTE_MS,
    2: 2 * 60 * MINUTE_MS,
    4: 12 * 60 * MINUTE_MS,
    5: 24 * 60 * MINUTE_MS,
}
DEFAULT_TARGET_MS = 48 * 60 * MINUTE_MS
# A case held up only by reporters with a poor record waits behind every other case.
LOW_WEIGHT = 0.5
LOW_WEIGHT_PENALTY = 10
# Cases that bind the service to the authorities (evidence package, legal hold).
LEGAL_CATEGORIES = frozenset({"child_safety", "grooming", "violence"})


def severity_of(category: str, *, escalated: bool = False) -> int:
    base = SEVERITY.get(category, SEVERITY["other"])
    return min(base, 1) if escalated else base


def target_ms(severity: int) -> int:
    return TARGET_MS.get(severity, DEFAULT_TARGET_MS)


@dataclass(frozen=True, slots=True)
class ReporterRecord:
    """How a reporter's earlier reports were decided."""

    upheld: int = 0
    dismissed: int = 0

    @property
    def weight(self) -> float:
        """1.0 for a newcomer, towards 2.0 for a reliable reporter, towards 0.1 for one
        whose reports are dismissed (Laplace-smoothed accuracy, doubled)."""
        accuracy = (self.upheld + 1) / (self.upheld + self.dismissed + 2)
        return round(max(0.1, min(2.0, 2 * accuracy)), 3)


def queue_severity(category: str, score: float, *, automated: bool, escalated: bool) -> int:
    """The case's place in the queue: its category's severity, later when the only
    reports behind it come from people whose reports are usually dismissed."""
    severity = severity_of(category, escalated=escalated)
    if not automated and score < LOW_WEIGHT:
        severity += LOW_WEIGHT_PENALTY
    return severity
