"""Grooming as a conversation: stages per message, a sequence per sender, one risk.

Groomers follow a known path, and it is the path that gives them away, not one word:
they find out the other's age or school year (or name it themselves: "t'es au collège ?",
"tu fais grande pour une fille de 5e", "ça me dérange pas que tu sois mineure"), flatter,
isolate ("t'es seule ?", "tes parents comprennent pas"), ask for secrecy, offer gifts or
money, move to another app, ask for photos or the webcam, then a meeting. One of those
moves alone is ordinary between adults ("t'as quel âge ? on se voit jeudi ?").

Three steps, each its own function:

1. :func:`message_stages`: the stages one message shows, from the rule packs' ``g_*``
   concepts (rules/grooming.yaml) and detector features, plus the few the patterns below
   find (naming a minor age or school year of the *other* person, money offered, photos
   asked).
2. :func:`sender_stages`: the stages the same sender went through in the remembered
   conversation (each :class:`MemoryEntry` keeps its stages in ``signals``).
3. :func:`grooming_risk`: the risk in 0..1 from the distinct stages and the phases they
   cover, raised when the sender himself named a minor age or class, when the declared
   ages are far apart, and set to the top when the other person is or said they are a
   minor (then every manipulation move escalates, as ``grooming``).

The weights and thresholds are in docs/moderation.md; the engine turns the risk into a
``grooming`` verdict (hold from :data:`HOLD_AT`, escalate from :data:`ESCALATE_AT`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from papote.safety.memory import MemoryEntry

STAGE_WEIGHTS: dict[str, float] = {
    "g_age_question": 1.0,
    "g_minor_named": 2.5,
    "g_young_look": 2.0,
    "g_flattery": 1.0,
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
# the phases of the path: the risk rises when a sender goes through several of them
PHASES: dict[str, str] = {
    "g_age_question": "target",
    "g_minor_named": "target",
    "g_school": "target",
    "g_young_look": "trust",
    "g_flattery": "trust",
    "g_gift": "trust",
    "g_experience": "trust",
    "g_isolation": "isolation",
    "g_parents": "isolation",
    "g_secrecy": "isolation",
    "g_app_move": "contact",
    "g_meeting": "contact",
    "g_photo_request": "contact",
    "g_webcam": "contact",
    "g_sexual_request": "contact",
}
STRONG_STAGES = frozenset({"g_young_look", "g_parents", "g_school", "g_secrecy", "g_minor_named"})
# finding out who the other is: not a manipulation move by itself (between adults; towards
# a known minor, asking about her school is locating her, and counts as a move)
IDENTIFYING = frozenset({"g_age_question", "g_minor_named", "g_school"})
ASKING = frozenset({"g_age_question", "g_minor_named"})
# features of the detectors that are moves too: contact details, money
FEATURE_STAGES: dict[str, str] = {
    "$phone": "g_app_move",
    "$handle": "g_app_move",
    "$email": "g_app_move",
    "$invite_link": "g_app_move",
    "money_request": "g_gift",
    "voucher": "g_gift",
}
# "You look younger (than your age)" hints at a minor only when the declared age is close
# to 18: to someone who entered as 31 it is a compliment between adults, and it still
# weighs with the other stages but no longer makes a sequence suspicious on its own.
YOUNG_LOOK_MAX_AGE = 24
FULL_RISK = 7.0  # weight at which the risk is 1.0
PHASE_BONUS = 0.05  # per phase beyond the second
MINOR_NAMED_FACTOR = 1.6  # the sender himself named a minor age or school year
AGE_GAP = 15  # years between the declared ages that make a sequence weigh more...
AGE_GAP_YOUNG = 21  # ...towards someone who declared this age or less
AGE_GAP_FACTOR = 1.25
MINOR_RISK = 0.95  # any manipulation move towards a (possible) minor
HOLD_AT = 0.6
ESCALATE_AT = 0.9

_MINOR_AGE = r"(?:[5-9]|1[0-7])(?:\s*ans?|a)\b"  # "13 ans", "13ans", SMS "13a"
_SCHOOL_YEAR = (
    r"(?:[3-6]\s?(?:e|eme|em)\b(?!\s*annee)|sixieme|cinquieme|quatrieme|troisieme|cm[12]\b"
    r"|college\b|primaire\b|seconde\b(?!\s*annee)|2nde\b)"
)
# "t" alone is the SMS "t'es": "t en 5eme ?", "t au college ?"
_YOU = (
    r"(?:t\s?'?\s?es|tes|tu es|t\s?'?\s?etais|tu sois|t\s?'?\s?sois|tu serais|t\s?'?\s?es que"
    r"|t(?=\s+(?:au|en)\s))"
)
# the sender names the other's minor age or school year ("t'es au college ?",
# "t'as 14 ans ?", "pour une fille de 5e", "que tu aies 13 ans")
_MINOR_NAMED = re.compile(
    rf"\b{_YOU}\s+(?:encore\s+|que\s+|qu'?\s?|seulement\s+|juste\s+)?(?:au|en)\s+{_SCHOOL_YEAR}"
    rf"|\b(?:t\s?'?\s?as|tas|tu as|ta|tu aies|t\s?'?\s?aies)\s+"
    rf"(?:que\s+|qu'?\s?|seulement\s+|juste\s+)?{_MINOR_AGE}"
    rf"(?!\s*(?:de\b|d'|d\s))"
    rf"|\bpour\s+(?:une?|la|le)\s+(?:fille|gars|garcon|meuf|petite?|gamine?|ado)\s+(?:de\s+|d'?\s?)"
    rf"(?:{_MINOR_AGE}|{_SCHOOL_YEAR})"
    rf"|\b{_YOU}\s+(?:encore\s+)?mineur"
)
# money offered: "tu veux gagner 50 euros ?", "je te donne 20e", "je t'envoie 30 balles"
_MONEY_OFFER = re.compile(
    r"\b(?:gagner|gagne|je te donne|je te file|je t'?\s?envoie|je te fais|je te paye?|je te vire)\b"
    r"[^.?!]{0,20}?\b\d{1,4}\s*(?:e|eur|euros?|balles|€)(?!\w)"
)
# photos asked: "tu peux m'envoyer une photo ?", "envoie moi ta tete", "fais moi voir"
_PHOTO_REQUEST = re.compile(
    r"\b(?:m'?\s?envoyer|m'?\s?envoies|m'?\s?envoie|envoie\s?moi|envoi\s?moi|m'?\s?montrer|montre\s?moi"
    r"|me\s+montrer|fais\s?moi\s+voir|m'?\s?faire\s+voir|partage\s?moi)\b[^.?!]{0,25}?"
    r"\b(?:photos?|pics?|selfies?|videos?|nudes?|tete|visage|corps|tenue)\b"
)
# each pattern behind a cheap first look: words one of its matches must contain, and
# whether a digit is needed ("40 euros"), or enough ("t'as 13 ans", "en 5e")
_PATTERN_STAGES: tuple[tuple[str, re.Pattern[str], re.Pattern[str], str], ...] = (
    (
        "g_minor_named",
        _MINOR_NAMED,
        re.compile(
            r"colleg|primaire|seconde|2nde|mineur|cm[12]|sixieme|cinquieme|quatrieme|troisieme"
        ),
        "enough",
    ),
    ("g_gift", _MONEY_OFFER, re.compile(r"gagn|donne|file|envoie|fais|pay|vire"), "needed"),
    (
        "g_photo_request",
        _PHOTO_REQUEST,
        re.compile(r"photo|pic|selfie|video|nude|tete|visage|corps|tenue"),
        "no",
    ),
)
_DIGITS = frozenset("0123456789")
_ANY_GATE = re.compile(
    "|".join(gate.pattern for _, _, gate, digit in _PATTERN_STAGES if digit != "needed")
)
_STAGES = frozenset(STAGE_WEIGHTS)
_STAGE_NAMES = _STAGES | frozenset(FEATURE_STAGES)


@dataclass(frozen=True, slots=True)
class Parties:
    """Who the sender writes to, as far as the conversation knows."""

    sender_age: int
    recipient_age: int | None = None  # declared at entry
    recipient_minor: bool = False  # flagged, or said so in this conversation
    recipient_adult_stated: bool = False  # the recipient said an adult age here


def message_stages(names: Iterable[str], folded: str) -> frozenset[str]:
    """The grooming stages one message shows (``names``: concepts and features it has)."""
    found = _STAGE_NAMES.intersection(names)
    stages = set(found & _STAGES)
    if len(stages) != len(found):
        stages.update(FEATURE_STAGES[n] for n in found - _STAGES)
    has_digit = not _DIGITS.isdisjoint(folded)
    if not has_digit and not _ANY_GATE.search(folded):
        return frozenset(stages)  # most messages: no word any pattern needs
    for stage, pattern, gate, digit in _PATTERN_STAGES:
        if stage in stages or (digit == "needed" and not has_digit):
            continue
        if ((digit == "enough" and has_digit) or gate.search(folded)) and pattern.search(folded):
            stages.add(stage)
    return frozenset(stages)


def sender_stages(sender: str, history: Sequence[MemoryEntry]) -> set[str]:
    """The stages this sender went through earlier in the remembered conversation."""
    return {
        s
        for entry in history
        if entry.sender == sender
        for s in entry.signals
        if s in STAGE_WEIGHTS
    }


def grooming_risk(current: frozenset[str], earlier: Iterable[str], parties: Parties) -> float:
    """Risk in 0..1 of the conversation so far, judged at a message showing ``current``.

    Only a message that is itself a move can be held: no stage now, no risk."""
    if not current:
        return 0.0
    if parties.recipient_minor:
        return MINOR_RISK if current - ASKING else 0.0
    stages = set(current).union(earlier)
    if parties.recipient_adult_stated:
        stages.discard("g_minor_named")  # "t'es au collège ?" - "non j'ai 26 ans"
    if not stages - IDENTIFYING:
        return 0.0  # finding out who the other is, nothing more yet
    minor_named = "g_minor_named" in stages
    strong = STRONG_STAGES
    if parties.recipient_age is not None and parties.recipient_age > YOUNG_LOOK_MAX_AGE:
        strong = STRONG_STAGES - {"g_young_look"}
    if not stages & strong:
        return 0.0
    phases = {PHASES[s] for s in stages}
    risk = sum(STAGE_WEIGHTS[s] for s in stages) / FULL_RISK
    risk += PHASE_BONUS * max(0, len(phases) - 2)
    if minor_named:
        risk *= MINOR_NAMED_FACTOR
    elif (
        parties.recipient_age is not None
        and parties.recipient_age <= AGE_GAP_YOUNG
        and parties.sender_age - parties.recipient_age >= AGE_GAP
    ):
        risk *= AGE_GAP_FACTOR
    return min(1.0, risk)
