"""Normalisation: the forms of a message that rules are matched against.

People evade filters with look-alike letters (Cyrillic "а", full-width "ｐ",
mathematical "𝐩"), accents, l33t ("n3gr3"), separators ("p.u.t.e", "n e g r e"),
repeated letters ("puuuute") and emoji used as words ("🍃❄️ dispo"). The original
text is kept for display; only these forms are judged:

- ``folded``: zero-width characters removed, emoji spelled as words, NFKC,
  confusables mapped to Latin (decancer), lower case, no accents. Digits and
  punctuation stay, so that ages, prices and phone numbers remain readable.
- ``words``: ``folded`` cut into words; l33t decoded inside words that mix letters
  and digits or symbols (a bare "14" stays "14"); every run of a repeated
  character squeezed to one; padded with spaces so that `` term `` matches whole
  words only.
- ``variants``: ``words`` plus, when they differ, the same after re-joining letters
  split by separators, with SMS contractions spelled out ("jte", "jvais", "tforcer" ->
  "je te", "je vais", "te forcer"), and after reading "1" as "l" rather than "i".

Rule terms go through :func:`normalise_term`, the very same steps, so that a term
and a text that people read alike always meet. See docs/moderation.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import decancer_py

# Emoji used as words. Spelled as tokens that no French word collides with.
EMOJI_WORDS: dict[str, str] = {
    "🍃": "emjherbe",
    "🌿": "emjherbe",
    "🥦": "emjherbe",
    "🌲": "emjherbe",
    "❄": "emjneige",
    "⛄": "emjneige",
    "☃": "emjneige",
    "🍫": "emjchoco",
    "🟫": "emjchoco",
    "💊": "emjpilule",
    "💉": "emjseringue",
    "🍄": "emjchampi",
    "💨": "emjfumee",
    "🔌": "emjplug",
    "🚬": "emjfumee",
    "💰": "emjargent",
    "💸": "emjargent",
    "💶": "emjargent",
    "🤑": "emjargent",
    "🍆": "emjaubergine",
    "🍑": "emjpeche",
    "💦": "emjgouttes",
    "👅": "emjlangue",
    "🔞": "emjinterdit",
    "👶": "emjbebe",
    "🧒": "emjenfant",
    "👧": "emjfillette",
    "👦": "emjgarconnet",
    "🍭": "emjsucette",
    "🔪": "emjcouteau",
    "🔫": "emjpistolet",
    "💣": "emjbombe",
    "📸": "emjphoto",
    "📷": "emjphoto",
    "🎥": "emjvideo",
    "📹": "emjvideo",
    "🤫": "emjchut",
}

# soft hyphen, joiners, direction marks, word joiner, BOM, variation selectors
_INVISIBLE = dict.fromkeys(
    (
        0x00AD,
        0x034F,
        0x180E,
        0x200B,
        0x200C,
        0x200D,
        0x200E,
        0x200F,
        0x2060,
        0x2061,
        0x2062,
        0x2063,
        0x2064,
        0xFEFF,
        0xFE0E,
        0xFE0F,
    )
)
_PRE_TABLE: dict[int, str | int | None] = {
    **_INVISIBLE,
    **{ord(k): f" {v} " for k, v in EMOJI_WORDS.items()},
    ord("ß"): "ss",
    ord("’"): "'",
    ord("`"): "'",
}
_FRENCH_FOLD: dict[int, str | int | None] = {
    **str.maketrans(
        "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝ«»",
        'aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY""',
    ),
    ord("œ"): "oe",
    ord("Œ"): "OE",
    ord("æ"): "ae",
    ord("Æ"): "AE",
}
_LEET_CHARS = frozenset("0123456789@$€")
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "€": "e",
        "8": "b",
    }
)
_LEET_ALT = str.maketrans({"1": "l"})
# a number with its unit is not l33t: "20e" (20 €), "3h", "15ans", "2eme", "1er", "10km"
_QUANTITY = re.compile(
    r"\d+(?:[.,]\d+)?(?:e|eur|euros?|balles|k|h|min|mn|s|ans?|er|ere|eme|e?re|nd|nde|km|m|cm"
    r"|kg|g|mg|ml|cl|l|x|am|pm|p|a)"
)
# "!" and "|" are letters only between letters ("p!ne", "sa|ope"), punctuation elsewhere
_INNER_BANG = re.compile(r"(?<=[a-z])[!|](?=[a-z])")

_WORD_CHARS = "a-z0-9@$€"
# a word where a letter touches a digit or symbol: "s@l0pe", "n3gr3" (not "14", not "10 e")
_MIXED_WORD = re.compile(f"[{_WORD_CHARS}]*(?:[a-z][0-9@$€]|[0-9@$€][a-z])[{_WORD_CHARS}]*")
# a character followed by the same one: deleting every match squeezes each run to one
_REPEATED = re.compile(r"([a-z0-9])(?=\1)")
# a letter touching a digit or symbol: the linear first look before _MIXED_WORD
_MIXED_PAIR = re.compile("[a-z][0-9@$€]|[0-9@$€][a-z]")
_LETTERS_DIGITS = re.compile("[a-z0-9]+")
# three or more single characters split by separators: "p.u.t.e", "n e g r e", "s-a-l-e"
# (not "week-end" nor "peut-etre": only single characters are re-joined)
_SPLIT_LETTERS = re.compile(
    f"(?<![{_WORD_CHARS}])(?:[{_WORD_CHARS}][\\s.\\-_*~^+=/\\\\]+){{2,}}[{_WORD_CHARS}](?![{_WORD_CHARS}])"
)
_SEPARATORS = re.compile(r"[\s.\-_*~^+=/\\]+")
# a separator made of spaces only, between two characters (not next to a mark)
_BARE_SPACE = re.compile(r"(?<![.\-_*~^+=/\\\s])\s+(?![.\-_*~^+=/\\\s])")
_ONE_AS_LETTER = re.compile("[a-z][1!]|[1!][a-z]")


# a word that starts with "j" or "t" then another consonant: French has almost none
# ("jpeg", "tchat", "tsar", "tv", "tkt" are kept), SMS French has many ("jte", "jvais")
_SMS_CLITIC = re.compile(
    r" ([jt])(?=[bcdfgjklmnpqstvwxz][a-z])(?!chat|sar|sunami|weet|shirt|peg|kt\b)"
)


def _expand_clitic(match: re.Match[str]) -> str:
    return " je " if match.group(1) == "j" else " te "


@dataclass(frozen=True, slots=True)
class NormalisedText:
    original: str
    folded: str
    words: str
    variants: tuple[str, ...]


# _PRE_TABLE then _FRENCH_FOLD in one map of the non-ASCII characters: their keys are
# disjoint and every replacement is ASCII, so one pass equals the two translations
_FOLD_NON_ASCII: dict[str, str] = {
    chr(code): "" if to is None else chr(to) if isinstance(to, int) else to
    for code, to in {**_PRE_TABLE, **_FRENCH_FOLD}.items()
    if code > 0x7F
}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> str:
    """Invisible characters out, emoji as words, confusables and accents folded, lower case."""
    if "`" in text:  # the one ASCII key of _PRE_TABLE
        text = text.replace("`", "'")
    if text.isascii():
        return text.lower()
    # str.translate looks up every character; replacing the few non-ASCII ones is faster
    for char in set(_NON_ASCII.findall(text)):
        to = _FOLD_NON_ASCII.get(char)
        if to is not None:
            text = text.replace(char, to)
    if text.isascii():  # ordinary French accents and the emoji used as words
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = str(decancer_py.parse(text))
    return text.lower()


def _decode(match: re.Match[str]) -> str:
    word = match.group(0)
    return word if _QUANTITY.fullmatch(word) else word.translate(_LEET)


def _decode_alt(match: re.Match[str]) -> str:
    word = match.group(0)
    return word if _QUANTITY.fullmatch(word) else word.translate(_LEET_ALT).translate(_LEET)


def _words(folded: str, alt: bool = False) -> str:
    if "!" in folded or "|" in folded:
        folded = _INNER_BANG.sub(lambda m: "l" if alt or m.group(0) == "|" else "i", folded)
    # l33t only inside words that also have letters: "p0rn" -> "porn", "14" stays "14"
    if not _LEET_CHARS.isdisjoint(folded) and _MIXED_PAIR.search(folded):
        folded = _MIXED_WORD.sub(_decode_alt if alt else _decode, folded)
    if "baiss" in folded:  # "baisse" must not squeeze into "baise"
        folded = folded.replace("baiss", "baisz")
    squeezed = _REPEATED.sub("", folded)
    # what is left of the symbols ("@" of a handle, a lone "$") is not a letter
    inner = " ".join(_LETTERS_DIGITS.findall(squeezed))
    return f" {inner} " if inner else " "


def normalise(text: str) -> NormalisedText:
    folded = fold(text)
    words = _words(folded)
    variants = [words]
    joined_folded = _SPLIT_LETTERS.sub(_unspace, folded)
    if joined_folded != folded:
        joined = _words(joined_folded)
        if joined != words:
            variants.append(joined)
        # "s-a-l-e n.e.g.r.e": marks join the letters of a word, spaces separate the words
        split_folded = _SPLIT_LETTERS.sub(_unspace_words, folded)
        if split_folded != joined_folded:
            split = _words(split_folded)
            if split not in variants:
                variants.append(split)
    # SMS contractions spelled out: "jte", "jvais", "tforcer" -> "je te", "je vais", "te forcer"
    if _SMS_CLITIC.search(words):
        expanded = _SMS_CLITIC.sub(_expand_clitic, words)
        if expanded not in variants:
            variants.append(expanded)
    # "1" and "!" read as "l" rather than "i"
    if ("1" in folded or "!" in folded) and _ONE_AS_LETTER.search(folded):
        alt = _words(folded, alt=True)
        if alt not in variants:
            variants.append(alt)
    return NormalisedText(text, folded, words, tuple(variants))


def _unspace(match: re.Match[str]) -> str:
    return _SEPARATORS.sub("", match.group(0))


def _unspace_words(match: re.Match[str]) -> str:
    """Re-join letters split by marks, keeping bare spaces as word boundaries, when the
    run has both ("s-a-l-e n.e.g.r.e" -> "sale negre"); otherwise as ``_unspace``."""
    run = match.group(0)
    separators = _SEPARATORS.findall(run)
    if all(s.isspace() for s in separators) or not any(s.isspace() for s in separators):
        return _unspace(match)
    return " ".join(_SEPARATORS.sub("", part) for part in _BARE_SPACE.split(run))


@lru_cache(maxsize=8192)
def normalise_term(term: str) -> str:
    """A rule term in the ``words`` form, without its padding spaces."""
    return _words(fold(term)).strip()
