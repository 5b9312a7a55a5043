"""Compiled rules: one Aho-Corasick automaton over every term, rules indexed by anchor.

The automaton is built once (and again when moderators change the custom terms);
scanning a message is one pass per normalised variant. Only the rules anchored on a
concept or feature that the message actually has are evaluated, so an ordinary
message costs one scan and no rule at all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ahocorasick

from papote.safety.text.detectors.framing import FRAMING_FEATURES
from papote.safety.text.fuzzy import FuzzyIndex, build_fuzzy_index
from papote.safety.text.normalise import NormalisedText, normalise_term
from papote.safety.text.rulepack import Rule, RulePackError, RuleSet, anchor_names

Hits = dict[str, set[str]]  # concept -> the normalised terms that matched


def _key(term: str) -> str:
    """`` word ``, or `` word`` for a prefix term written ``word*``."""
    prefix = term.endswith("*")
    norm = normalise_term(term.rstrip("*"))
    if len(norm.replace(" ", "")) < 2:
        raise RulePackError(f"term {term!r} is too short once normalised ({norm!r})")
    return f" {norm}" if prefix else f" {norm} "


@dataclass(frozen=True, slots=True)
class RulePlan:
    """A rule prepared for evaluation: each condition with the patterns it names."""

    order: int  # position in the packs: fired rules keep this order (ties in the verdict)
    rule: Rule
    when: tuple[tuple[frozenset[str], tuple[str, ...]], ...]  # (names, patterns among them)
    unless: frozenset[str]
    unless_patterns: tuple[str, ...]
    unless_frames: frozenset[str]  # framing features, computed only when a rule asks
    min_distinct: tuple[tuple[str, int], ...]
    within: int  # words; 0 when the rule has no window


@dataclass(frozen=True, slots=True)
class CompiledRules:
    automaton: ahocorasick.Automaton
    by_anchor: Mapping[str, tuple[RulePlan, ...]]
    patterns: Mapping[str, re.Pattern[str]]
    remember: frozenset[str]
    size: int
    pattern_names: frozenset[str]
    fuzzy: FuzzyIndex | None = None

    def scan(self, text: NormalisedText) -> Hits:
        hits: Hits = {}
        for variant in text.variants:
            for _end, (key, concepts) in self.automaton.iter(variant):
                for concept in concepts:
                    if concept in hits:
                        hits[concept].add(key)
                    else:
                        hits[concept] = {key}
        if self.fuzzy is not None:
            self.fuzzy.add_hits(text.variants, hits)
        return hits

    def near(self, variants: Iterable[str], plan: RulePlan) -> bool:
        """Whether the concept conditions of ``plan`` have terms within ``plan.within``
        words of each other in one variant (conditions without a located term, such as
        patterns, features or fuzzy hits, do not constrain the window)."""
        conditions = [cond for cond, _ in plan.when]
        for variant in variants:
            places: list[list[int]] = [[] for _ in conditions]
            for end, (key, concepts) in self.automaton.iter(variant):
                word = variant.count(" ", 0, end - len(key) + 2)
                for i, cond in enumerate(conditions):
                    if not cond.isdisjoint(concepts):
                        places[i].append(word)
            located = [p for p in places if p]
            if len(located) < 2:
                return True
            first, rest = located[0], located[1:]
            if any(
                all(any(abs(a - b) <= plan.within for b in other) for other in rest) for a in first
            ):
                return True
        return False

    def candidates(self, *anchors: Iterable[str]) -> list[RulePlan]:
        """The rules anchored on any of these names (concepts hit, features), in pack order."""
        by_anchor = self.by_anchor
        found: dict[int, RulePlan] | None = None
        for names in anchors:
            for name in names:
                plans = by_anchor.get(name)
                if plans:
                    if found is None:
                        found = {}
                    for plan in plans:
                        found[plan.order] = plan
        if found is None:
            return []
        if len(found) == 1:
            return list(found.values())
        return [found[order] for order in sorted(found)]


def compile_rules(ruleset: RuleSet) -> CompiledRules:
    term_concepts: dict[str, set[str]] = defaultdict(set)
    for concept, terms in ruleset.concepts.items():
        for term in terms:
            term_concepts[_key(term)].add(concept)
    automaton = ahocorasick.Automaton()
    for key, concepts in term_concepts.items():
        automaton.add_word(key, (key, tuple(sorted(concepts))))
    if term_concepts:
        automaton.make_automaton()
    pattern_names = frozenset(ruleset.patterns)
    by_anchor: dict[str, list[RulePlan]] = defaultdict(list)
    for order, rule in enumerate(ruleset.rules):
        plan = RulePlan(
            order=order,
            rule=rule,
            when=tuple((cond, tuple(sorted(cond & pattern_names))) for cond in rule.when),
            unless=rule.unless,
            unless_patterns=tuple(sorted(rule.unless & pattern_names)),
            unless_frames=rule.unless & FRAMING_FEATURES,
            min_distinct=tuple(rule.min_distinct.items()),
            within=rule.within,
        )
        anchor = next(a for c in rule.when if (a := anchor_names(c, ruleset)))
        for name in anchor:
            by_anchor[name].append(plan)
    return CompiledRules(
        automaton=automaton,
        by_anchor={k: tuple(v) for k, v in by_anchor.items()},
        patterns=dict(ruleset.patterns),
        remember=frozenset(ruleset.remember),
        size=len(term_concepts),
        pattern_names=pattern_names,
        fuzzy=build_fuzzy_index(ruleset.fuzzy, ruleset.fuzzy_except, normalise_term),
    )
