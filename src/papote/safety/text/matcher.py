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
class CompiledRules:
    automaton: ahocorasick.Automaton
    by_anchor: Mapping[str, tuple[Rule, ...]]
    patterns: Mapping[str, re.Pattern[str]]
    remember: frozenset[str]
    size: int
    pattern_names: frozenset[str]

    def scan(self, text: NormalisedText) -> Hits:
        hits: Hits = {}
        for variant in text.variants:
            for _end, (key, concepts) in self.automaton.iter(variant):
                for concept in concepts:
                    if concept in hits:
                        hits[concept].add(key)
                    else:
                        hits[concept] = {key}
        return hits

    def candidates(self, names: Iterable[str]) -> list[Rule]:
        seen: dict[str, Rule] = {}
        for name in names:
            for rule in self.by_anchor.get(name, ()):
                seen.setdefault(rule.id, rule)
        return list(seen.values())


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
    by_anchor: dict[str, list[Rule]] = defaultdict(list)
    for rule in ruleset.rules:
        anchor = next(a for c in rule.when if (a := anchor_names(c, ruleset)))
        for name in anchor:
            by_anchor[name].append(rule)
    return CompiledRules(
        automaton=automaton,
        by_anchor={k: tuple(v) for k, v in by_anchor.items()},
        patterns=dict(ruleset.patterns),
        remember=frozenset(ruleset.remember),
        size=len(term_concepts),
        pattern_names=frozenset(ruleset.patterns),
    )
