"""What the conversation so far says about one message (engine.py calls these).

- who is a minor: the sender's own words ("j'ai 14 ans", a bare "14" to "t'as quel âge ?",
  a "oui" to "t'es au collège ?"), weighed against an adult age they stated earlier
  (the fact ``adult:<user id>``);
- conversation flags: ``@minor_named`` (this sender named the other's minor age or school
  year) and ``@sv_plan`` (a sexual-violence plan of this sender is under way);
- the grooming verdict of the conversation model (text/grooming.py).

See docs/moderation.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from papote.safety.context import MessageContext
from papote.safety.explanations import explanation
from papote.safety.memory import MemoryEntry
from papote.safety.text.grooming import ESCALATE_AT, HOLD_AT, Parties, grooming_risk, sender_stages
from papote.safety.text.minors import UNKNOWN_AGE, MinorSignal, minor_signal, says_yes
from papote.safety.verdict import Action, Category, Verdict

ADULT_FACT = "adult:"  # facts "adult:<user id>" -> the adult age they stated in the conversation
NAMED_FACT = "named_minor:"  # facts "named_minor:<user id>" -> "1": named the other's minor age
MINOR_NAMED_BEFORE = "@minor_named_before"
PLAN_FACT = "sv_plan:"  # facts "sv_plan:<user id>" -> time of their last message stopped for SV
PLAN_WINDOW_MS = 30 * 60 * 1000  # a plan is followed for 30 minutes after its last stopped step

AGE_ASKED = "age"
MINOR_ASKED = "minor"


def last_question(ctx: MessageContext, history: Sequence[MemoryEntry]) -> str | None:
    """What the other person's last message asked this sender: an age (``AGE_ASKED``),
    whether they are a minor or in a school year (``MINOR_ASKED``), or nothing."""
    sender = ctx.sender.id
    for entry in reversed(history):
        if entry.sender != sender:
            if "g_minor_named" in entry.signals:
                return MINOR_ASKED
            if "g_age_question" in entry.signals:
                return AGE_ASKED
            return None
    return None


def sender_minor_signal(
    ctx: MessageContext, folded: str, asked: str | None, facts: Mapping[str, str]
) -> MinorSignal | None:
    """The sender's own words say they may be a minor: "j'ai 14 ans", "jsuis en 4e", a bare
    "14" to "t'as quel âge ?", a "oui" to "t'es au collège ?". An adult age the sender
    stated earlier outweighs ambiguous school words (text/minors.py)."""
    stated_adult = f"{ADULT_FACT}{ctx.sender.id}" in facts
    signal = minor_signal(folded, asked is not None, stated_adult)
    if signal is None and asked == MINOR_ASKED and says_yes(folded):
        return MinorSignal(UNKNOWN_AGE)
    return signal


def conversation_flags(
    ctx: MessageContext, ts: int, stages: frozenset[str], facts: Mapping[str, str]
) -> set[str]:
    """``@minor_named``: this sender named the other's minor age or school year in this
    conversation (and the other did not answer with an adult age), ``@minor_named_before``
    in an earlier message (naming it is a first step, not yet grooming); ``@sv_plan``: a message
    of this sender was stopped for sexual violence less than 30 minutes ago (a plan goes
    on). Both read the conversation's facts, kept by :func:`facts_learned`."""
    flags = set()
    sender = ctx.sender.id
    recipient = ctx.recipient
    if (
        recipient is not None
        and ("g_minor_named" in stages or f"{NAMED_FACT}{sender}" in facts)
        and f"{ADULT_FACT}{recipient.id}" not in facts
    ):
        flags.add("@minor_named")
        if f"{NAMED_FACT}{sender}" in facts:
            flags.add(MINOR_NAMED_BEFORE)
    plan = facts.get(f"{PLAN_FACT}{sender}")
    if plan is not None and ts - int(plan) <= PLAN_WINDOW_MS:
        flags.add("@sv_plan")
    return flags


def facts_learned(
    ctx: MessageContext, ts: int, stages: frozenset[str], verdict: Verdict
) -> dict[str, str]:
    """What the conversation keeps of this message for :func:`conversation_flags`."""
    learned = {}
    sender = ctx.sender.id
    if "g_minor_named" in stages:
        learned[f"{NAMED_FACT}{sender}"] = "1"
    if verdict.action >= Action.HOLD and Category.SEXUAL_VIOLENCE in verdict.categories:
        learned[f"{PLAN_FACT}{sender}"] = str(ts)
    return learned


def grooming_verdict(
    ctx: MessageContext,
    stages: frozenset[str],
    names: set[str],
    history: Sequence[MemoryEntry],
    facts: Mapping[str, str],
) -> Verdict | None:
    """The conversation-level grooming verdict of a private message (text/grooming.py)."""
    recipient = ctx.recipient
    parties = Parties(
        sender_age=ctx.sender.age,
        recipient_age=recipient.age if recipient is not None else None,
        recipient_minor="@recipient_minor" in names,
        recipient_adult_stated=recipient is not None and f"{ADULT_FACT}{recipient.id}" in facts,
    )
    risk = grooming_risk(stages, sender_stages(ctx.sender.id, history), parties)
    if risk < HOLD_AT:
        return None
    action = Action.ESCALATE if risk >= ESCALATE_AT else Action.HOLD
    categories: tuple[Category, ...]
    if parties.recipient_minor or "@minor_named" in names:
        # grooming of a (possible) minor: a child-protection case too (suspension, report)
        categories = (Category.GROOMING, Category.CHILD_SAFETY)
        rule = "grooming.minor"
    else:
        categories = (Category.GROOMING,)
        rule = "grooming.sequence"
    return Verdict(action, categories, risk, rule, explanation(action, Category.GROOMING))
