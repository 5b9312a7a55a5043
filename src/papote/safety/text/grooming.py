"""Grooming risk over a conversation between declared adults.

Groomers follow a known sequence: they ask the age and remark that the other
"looks younger", check that the other is alone and where the parents are, ask for
secrecy, offer gifts, move to another app, then ask for pictures or a meeting. One
of those moves alone is ordinary flirting between adults ("t'as quel age ? on se
voit jeudi ?"); the sequence is not. The risk adds the weights of the distinct
stages the sender went through in the remembered conversation, and counts only
when at least one *strong* stage (parents, school, secrecy, "you look young") is there.

When the other person is (or said they are) a minor, the child_safety rule pack
escalates every one of these moves at once; this module is for the adult-adult case.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from papote.safety.memory import MemoryEntry

STAGE_WEIGHTS: dict[str, float] = {
    "g_age_question": 1.0,
    "g_young_look": 2.0,
    "g_isolation": 1.5,
    "g_parents": 2.0,
    "g_school": 2.0,
    "g_secrecy": 2.5,
    "g_gift": 1.5,
    "g_app_move": 1.0,
    "g_meeting": 1.0,
    "g_photo_request": 1.5,
    "g_webcam": 1.5,
    "g_sexual_request": 2.0,
    "g_experience": 2.0,
}
STRONG_STAGES = frozenset({"g_young_look", "g_parents", "g_school", "g_secrecy"})
# "You look younger (than your age)" hints at a minor only when the declared age is close
# to 18: to someone who entered as 31 it is a compliment between adults, and it still
# weighs with the other stages but no longer makes a sequence suspicious on its own.
YOUNG_LOOK_MAX_AGE = 24
FULL_RISK = 7.0  # weight at which the risk is 1.0
HOLD_AT = 0.6
ESCALATE_AT = 0.9


def grooming_risk(
    sender: str,
    current: Iterable[str],
    history: Sequence[MemoryEntry],
    recipient_age: int | None = None,
) -> float:
    """Risk in 0..1 from the stages of the sender's messages (the current one included);
    ``recipient_age`` is the age the other person declared at entry, when known."""
    stages = {s for s in current if s in STAGE_WEIGHTS}
    if not stages:
        return 0.0  # only a message that is itself a grooming move can be held for it
    for entry in history:
        if entry.sender == sender:
            stages.update(s for s in entry.signals if s in STAGE_WEIGHTS)
    strong = STRONG_STAGES
    if recipient_age is not None and recipient_age > YOUNG_LOOK_MAX_AGE:
        strong = STRONG_STAGES - {"g_young_look"}
    if not stages & strong:
        return 0.0
    return min(1.0, sum(STAGE_WEIGHTS[s] for s in stages) / FULL_RISK)
