"""Rule packs: YAML data files, one per category, loaded and checked once.

A pack names *concepts* (lists of words and phrases), *patterns* (regular
expressions over the folded text) and *rules*. A rule fires when every item of its
``when`` list holds and no item of its ``unless`` list does. An item is the name of
a concept, a pattern, a context flag (``@dm``, ``@room``, ``@adult_room``,
``@recipient_minor``...) or a detector feature (``$phone``, ``$link``...), a list of
names (any of them), or a list of inline terms. See docs/moderation.md for the format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from papote.safety.context import Channel
from papote.safety.text.detectors.framing import FRAMING_FEATURES
from papote.safety.verdict import Action, Category

# Context flags the engine sets for every message (see engine.py).
CONTEXT_FLAGS = frozenset(
    {
        "@room",
        "@dm",
        "@adult_room",
        "@first_contact",
        "@recipient_minor",
        "@sender_minor",
        "@recipient_explicit",
        "@minor_named",
        "@sv_plan",
    }
)
# Features computed by the detectors (personal data, links, spam).
FEATURES = frozenset(
    {
        "$phone",
        "$premium_phone",
        "$email",
        "$iban",
        "$address",
        "$handle",
        "$link",
        "$shortener",
        "$invite_link",
        "$suspicious_link",
        "$adult_link",
        "$many_links",
        "$repeat",
        "$burst",
        "$link_farm",
    }
)
# How the message frames its words ($game, $counter_speech...): only in 'unless' lists.
FEATURES |= FRAMING_FEATURES

_ACTIONS = {a.label: a for a in Action}


class RulePackError(ValueError):
    """A rule pack that cannot be loaded; says which file and which rule."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: Category
    action: Action
    severity: float
    # every condition must hold; a condition holds when any of its names is present
    when: tuple[frozenset[str], ...]
    unless: frozenset[str] = frozenset()
    min_distinct: Mapping[str, int] = field(default_factory=dict)
    # the terms of the concepts of 'when' lie within this many words of each other (0: anywhere)
    within: int = 0
    # a word or a shape that is often innocent (a phone number in a room, an explicit word,
    # an insult between friends): with the text model on, the verdict stands only when
    # the model's score for the category confirms it (safety/learned.py, ``confirmed``)
    confirm: bool = False


@dataclass(frozen=True, slots=True)
class CustomTerm:
    """A term added at run time by a moderator or an admin (stored and audited by the core)."""

    id: str
    term: str
    category: Category
    action: Action = Action.BLOCK
    severity: float = 0.8
    channels: tuple[Channel, ...] = ("room", "dm")


@dataclass
class RuleSet:
    """Everything the packs define, before compilation."""

    concepts: dict[str, set[str]] = field(default_factory=dict)
    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    remember: set[str] = field(default_factory=set)
    # concept -> the few terms also matched one edit away (text/fuzzy.py)
    fuzzy: dict[str, set[str]] = field(default_factory=dict)
    fuzzy_except: set[str] = field(default_factory=set)

    def names(self) -> set[str]:
        recent = {f"^{name}" for name in self.remember}
        return set(self.concepts) | set(self.patterns) | CONTEXT_FLAGS | FEATURES | recent


def _as_list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RulePackError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _condition(item: Any, rule_id: str, ruleset: RuleSet) -> frozenset[str]:
    """A ``when``/``unless`` item: a name, {"terms": [...]}, or a list of those (any of)."""
    if isinstance(item, str):
        return frozenset({item})
    if isinstance(item, list):  # any of: names and inline term lists
        return frozenset().union(*(_condition(x, rule_id, ruleset) for x in item))
    if isinstance(item, dict) and set(item) == {"terms"}:
        name = f"{rule_id}#{len(ruleset.concepts)}"  # unique: one new concept per inline list
        ruleset.concepts.setdefault(name, set()).update(_as_list(item["terms"], rule_id))
        return frozenset({name})
    raise RulePackError(f"{rule_id}: bad condition {item!r}")


def _parse_rule(raw: Mapping[str, Any], category: Category, ruleset: RuleSet, src: str) -> Rule:
    rule_id = str(raw.get("id") or "")
    if not rule_id:
        raise RulePackError(f"{src}: a rule has no id")
    when = [_condition(x, rule_id, ruleset) for x in (_as_list(raw.get("when"), rule_id))]
    if "terms" in raw:
        when.insert(0, _condition({"terms": raw["terms"]}, rule_id, ruleset))
    if not when:
        raise RulePackError(f"{rule_id}: empty 'when' and no 'terms'")
    unless: set[str] = set()
    for x in _as_list(raw.get("unless"), rule_id):
        unless |= _condition(x, rule_id, ruleset)
    action_name = str(raw.get("action", "block"))
    if action_name not in _ACTIONS:
        raise RulePackError(f"{rule_id}: unknown action {action_name!r}")
    severity = float(raw.get("severity", 0.8))
    if not 0.0 <= severity <= 1.0:
        raise RulePackError(f"{rule_id}: severity must be within 0..1")
    return Rule(
        id=rule_id,
        category=Category(raw.get("category", category)),
        action=_ACTIONS[action_name],
        severity=severity,
        when=tuple(when),
        unless=frozenset(unless),
        min_distinct=dict(raw.get("min_distinct") or {}),
        within=_within(raw.get("within", 0), rule_id),
        confirm=_flag(raw.get("confirm", False), "confirm", rule_id),
    )


def _flag(value: Any, key: str, rule_id: str) -> bool:
    if not isinstance(value, bool):
        raise RulePackError(f"{rule_id}: '{key}' is true or false")
    return value


def _within(value: Any, rule_id: str) -> int:
    if not isinstance(value, int) or value < 0:
        raise RulePackError(f"{rule_id}: 'within' is a number of words")
    return value


def load_pack(path: Path, ruleset: RuleSet) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    src = path.name
    try:
        category = Category(data["category"])
    except (KeyError, ValueError) as exc:
        raise RulePackError(f"{src}: missing or unknown 'category'") from exc
    for name, terms in (data.get("concepts") or {}).items():
        ruleset.concepts.setdefault(name, set()).update(str(t) for t in _as_list(terms, name))
    for name, regex in (data.get("patterns") or {}).items():
        try:
            ruleset.patterns[name] = re.compile(str(regex))
        except re.error as exc:
            raise RulePackError(f"{src}: pattern {name}: {exc}") from exc
    ruleset.remember.update(_as_list(data.get("remember"), src))
    fuzzy = data.get("fuzzy") or {}
    if not isinstance(fuzzy, dict):
        raise RulePackError(f"{src}: 'fuzzy' maps a concept to a list of terms")
    for name, terms in fuzzy.items():
        ruleset.fuzzy.setdefault(name, set()).update(str(t) for t in _as_list(terms, name))
    ruleset.fuzzy_except.update(str(t) for t in _as_list(data.get("fuzzy_except"), src))
    ruleset.rules.extend(
        _parse_rule(r, category, ruleset, src) for r in _as_list(data.get("rules"), src)
    )


def check(ruleset: RuleSet) -> None:
    """Every name used by a rule exists, and every rule has something to anchor on."""
    known = ruleset.names()
    seen: set[str] = set()
    for rule in ruleset.rules:
        if rule.id in seen:
            raise RulePackError(f"duplicate rule id {rule.id}")
        seen.add(rule.id)
        for name in set().union(*rule.when, rule.unless, rule.min_distinct):
            if name not in known:
                raise RulePackError(f"{rule.id}: unknown name {name!r}")
        if not FRAMING_FEATURES.isdisjoint(frozenset().union(*rule.when)):
            raise RulePackError(f"{rule.id}: framing features ($game...) only go in 'unless'")
        if not any(anchor_names(cond, ruleset) for cond in rule.when):
            raise RulePackError(f"{rule.id}: needs a concept or a detector feature in 'when'")
    for name in ruleset.remember:
        if name not in ruleset.concepts:
            raise RulePackError(f"remember: unknown concept {name!r}")
    for name in ruleset.fuzzy:
        if name not in ruleset.concepts:
            raise RulePackError(f"fuzzy: unknown concept {name!r}")


def anchor_names(condition: Iterable[str], ruleset: RuleSet) -> frozenset[str]:
    """The names of a condition that the scan itself produces (concepts and features)."""
    names = frozenset(condition)
    if all(n in ruleset.concepts or n in FEATURES for n in names):
        return names
    return frozenset()


def load_rules(paths: Sequence[Path]) -> RuleSet:
    ruleset = RuleSet()
    for path in sorted(paths):
        load_pack(path, ruleset)
    check(ruleset)
    return ruleset
