"""A bounded fuzzy pass for the few high-severity terms people misspell on purpose.

The automaton (matcher.py) matches terms exactly, after normalisation has undone
look-alike letters, l33t, separators and repeated letters. What it cannot see is a
letter dropped, swapped or replaced ("negr", "nerge", "nigre") or two words glued
("salarabe"). The packs name a small list of terms for this pass (``fuzzy:`` in a
pack: slurs, child-abuse code words, drug names); each word of a message of at least
:data:`MIN_LENGTH` letters that is within one edit (insertion, deletion, substitution
or swap of two neighbours) of one of them counts as a hit of the term's concept, as
if the term itself had been written. Glued forms of the two-word terms ("sale arabe"
-> "salearabe", "salarabe") and of "sale" + a single-word slur are added as terms.

The lookup is a symmetric-deletion index: the terms and their one-letter deletions are
keys of one dict; a word is looked up with its own deletions, and the few candidates
are checked with the true edit distance. A message costs a handful of dict look-ups
per long word; no word list is scanned. Words that people write for other reasons and
that are one edit from a term go in ``fuzzy_except:``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

MIN_LENGTH = 5  # shorter words have too many neighbours one edit away
_CACHE_SIZE = 65_536  # words already looked up (chat repeats its words); cleared when full
_GLUE_PREFIXES = ("sale", "sal")  # "sale negre" written "salenegre", "salnegre"


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insertion, deletion,
    substitution or swap of two neighbouring letters."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:  # one substitution
            return True
        # a swap of two neighbours
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    return a[i:] == b[i + 1 :]  # b has one letter more


def glued_forms(term: str) -> set[str]:
    """The term written without its spaces, plus "sale"+term for a single word."""
    words = term.split()
    forms: set[str] = set()
    if len(words) == 2:
        first, second = words
        forms.add(first + second)
        if first.endswith("e") and len(first) > 2:
            forms.add(first[:-1] + second)  # "salarabe"
    elif len(words) == 1:
        forms.update(prefix + term for prefix in _GLUE_PREFIXES)
        forms.add(term)
    return {f for f in forms if len(f) >= MIN_LENGTH}


_Entry = tuple[str, str, tuple[str, ...]]  # (form, automaton key, concepts)


@dataclass(frozen=True, slots=True)
class FuzzyIndex:
    """Term forms and their one-letter deletions -> (form, automaton key, concepts)."""

    index: Mapping[str, tuple[_Entry, ...]]
    exact: frozenset[str]  # words never read as a misspelling (the terms' own look-alikes)
    min_len: int
    max_len: int
    cache: dict[str, tuple[_Entry, ...]] = field(default_factory=dict)

    def matches(self, word: str) -> tuple[_Entry, ...]:
        """The terms within one edit of ``word`` (remembered per word)."""
        cached = self.cache.get(word)
        if cached is not None:
            return cached
        index = self.index
        found = index.get(word)
        candidates = list(found) if found else []
        for deletion in _deletions(word):
            more = index.get(deletion)
            if more:
                candidates.extend(more)
        result = tuple({e for e in candidates if within_one_edit(word, e[0])})
        if len(self.cache) >= _CACHE_SIZE:
            self.cache.clear()
        self.cache[word] = result
        return result

    def add_hits(self, variants: Iterable[str], hits: dict[str, set[str]]) -> None:
        """Add the concepts of every long word within one edit of a fuzzy term."""
        exact, lo, hi = self.exact, self.min_len, self.max_len
        for variant in variants:
            for word in variant.split():
                if not lo <= len(word) <= hi or word in exact:
                    continue
                for _form, key, concepts in self.matches(word):
                    for concept in concepts:
                        if concept in hits:
                            hits[concept].add(key)
                        else:
                            hits[concept] = {key}


def build_fuzzy_index(
    terms: Mapping[str, set[str]], exceptions: Iterable[str], normalise_term: Callable[[str], str]
) -> FuzzyIndex | None:
    """``terms``: concept -> terms to match fuzzily (normalised here like pack terms)."""
    by_form: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for concept, concept_terms in terms.items():
        for raw in concept_terms:
            norm = normalise_term(raw.rstrip("*"))
            key = f" {norm} "
            for form in glued_forms(norm):
                by_form[form][key].add(concept)
    if not by_form:
        return None
    index: dict[str, list[_Entry]] = defaultdict(list)
    for form, keys in by_form.items():
        for key, concepts in keys.items():
            entry = (form, key, tuple(sorted(concepts)))
            for lookup in {form} | _deletions(form):
                index[lookup].append(entry)
    lengths = [len(form) for form in by_form]
    return FuzzyIndex(
        index={k: tuple(v) for k, v in index.items()},
        exact=frozenset(normalise_term(e) for e in exceptions),
        min_len=max(MIN_LENGTH, min(lengths) - 1),
        max_len=max(lengths) + 1,
    )
