"""Evasion written on purpose, made programmatically for training (deterministic seed).

People who want to get past a filter write "p3d0", "p e d o", "peeedo", "pdo",
"epdo", "pédо" with a Cyrillic "о", a zero-width space inside a word, or glue words
together. Each function below rewrites a raw message one such way; the normaliser
undoes some of them (look-alikes, zero-width, l33t inside words, doubled letters),
the char n-grams absorb the rest. Benign messages are augmented exactly like harmful
ones, so that odd spelling alone never becomes a sign of harm.
"""

from __future__ import annotations

import random
from collections.abc import Callable

_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "b": "8"}
_LOOKALIKE = {
    "a": "а",  # Cyrillic
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "x": "х",
    "y": "у",
    "i": "і",
}
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\u00ad")
_SEPARATORS = (" ", ".", "-", "*", "_")


def _words(text: str) -> list[str]:
    return text.split(" ")


def _long_words(words: list[str]) -> list[int]:
    return [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]


def _pick(rng: random.Random, words: list[str]) -> int | None:
    candidates = _long_words(words)
    return rng.choice(candidates) if candidates else None


def _rewrite_word(text: str, rng: random.Random, change: Callable[[str], str]) -> str:
    words = _words(text)
    for _ in range(rng.randint(1, 2)):
        i = _pick(rng, words)
        if i is None:
            break
        words[i] = change(words[i])
    return " ".join(words)


def leet(text: str, rng: random.Random) -> str:
    return _rewrite_word(
        text, rng, lambda w: "".join(_LEET.get(c, c) if rng.random() < 0.6 else c for c in w)
    )


def spaced_letters(text: str, rng: random.Random) -> str:
    sep = rng.choice(_SEPARATORS)
    return _rewrite_word(text, rng, lambda w: sep.join(w))


def glued(text: str, rng: random.Random) -> str:
    """Words glued together, or a space moved inside a word."""
    words = _words(text)
    if len(words) < 2:
        return text
    i = rng.randrange(len(words) - 1)
    if rng.random() < 0.6:
        return " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]])
    joined = words[i] + words[i + 1]
    cut = rng.randint(1, max(1, len(joined) - 1))
    return " ".join([*words[:i], joined[:cut], joined[cut:], *words[i + 2 :]])


def dropped(text: str, rng: random.Random) -> str:
    def drop(w: str) -> str:
        k = rng.randrange(1, len(w))
        return w[:k] + w[k + 1 :]

    return _rewrite_word(text, rng, drop)


def swapped(text: str, rng: random.Random) -> str:
    def swap(w: str) -> str:
        k = rng.randrange(len(w) - 1)
        return w[:k] + w[k + 1] + w[k] + w[k + 2 :]

    return _rewrite_word(text, rng, swap)


def doubled(text: str, rng: random.Random) -> str:
    def double(w: str) -> str:
        k = rng.randrange(len(w))
        return w[:k] + w[k] * rng.randint(2, 4) + w[k + 1 :]

    return _rewrite_word(text, rng, double)


def lookalike(text: str, rng: random.Random) -> str:
    return _rewrite_word(
        text, rng, lambda w: "".join(_LOOKALIKE.get(c, c) if rng.random() < 0.5 else c for c in w)
    )


def zero_width(text: str, rng: random.Random) -> str:
    def hide(w: str) -> str:
        k = rng.randrange(1, len(w))
        return w[:k] + rng.choice(_ZERO_WIDTH) + w[k:]

    return _rewrite_word(text, rng, hide)


def no_accents_sms(text: str, rng: random.Random) -> str:
    """Lower case, no accents, apostrophes dropped: how most people type in chat."""
    out = text.lower().replace("'", " " if rng.random() < 0.5 else "")
    return out.translate(str.maketrans("àâäéèêëîïôöùûüç", "aaaeeeeiioouuuc"))


AUGMENTERS: tuple[Callable[[str, random.Random], str], ...] = (
    leet,
    spaced_letters,
    glued,
    dropped,
    swapped,
    doubled,
    lookalike,
    zero_width,
    no_accents_sms,
)


def augment(text: str, rng: random.Random, copies: int) -> list[str]:
    """``copies`` evasive rewrites of a message (one or two changes each), all distinct."""
    out: list[str] = []
    for _ in range(copies * 3):
        if len(out) >= copies:
            break
        changed = text
        for change in rng.sample(AUGMENTERS, rng.randint(1, 2)):
            changed = change(changed, rng)
        if changed != text and changed not in out:
            out.append(changed)
    return out
