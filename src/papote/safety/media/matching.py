"""What a hash-list match means for an upload: a verdict with the match as its reason.

A match on a ``child_safety`` list or an ``ncii`` list (including the protected list
people fill themselves, StopNCII-style) escalates: the upload is refused, never stored
viewable, and reported at the top of the moderators' queue with its hashes.
"""

from __future__ import annotations

from papote.safety.media.index import Match
from papote.safety.verdict import ALLOW, Action, Category, Verdict

_CATEGORIES = {"child_safety": Category.CHILD_SAFETY, "ncii": Category.NCII}


def verdict_for(matches: list[Match]) -> Verdict:
    """The most serious match decides (child safety first, then the closest)."""
    if not matches:
        return ALLOW
    best = min(matches, key=lambda m: (m.entry.label != "child_safety", m.distance))
    category = _CATEGORIES.get(best.entry.label, Category.OTHER)
    return Verdict(
        action=Action.ESCALATE,
        categories=(category,),
        score=round(1.0 - best.distance / 256, 3),
        rule=f"hashlist:{best.entry.list_name}:{best.entry.kind}",
        explanation="Cette image ne peut pas être partagée sur Papote.",
    )
