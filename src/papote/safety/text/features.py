"""The features the learned text model sees: substrings of the normalised message.

The model reads what the rules read: the ``words`` form of :func:`normalise` (look-alike
letters folded, accents off, l33t decoded inside words, repeated letters squeezed,
emoji spelled as words) and its variants (letters split by separators re-joined, "1"
read as "l"). Every feature is a substring of ``" " + variant + " "``:

- character n-grams (4 characters by default: as good as 3-, 4- and 5-grams together on
  the validation split, for a third of the features), across word boundaries as well,
  so that a word glued to the next one, a letter dropped or doubled, or a split word
  still shares most of its n-grams with the plain spelling;
- every whole word with its two spaces (``" pedo "``) and every pair of neighbour
  words (``"tu es"``).

The previous message of the conversation, when there is one, adds its whole words
marked with :data:`CONTEXT_MARK` (``"<tes parents"`` is not a feature; ``"<parents"``
is). Training (safety/training/) and serving (safety/learned.py) call these very
functions, so that the model is trained on exactly what it sees at serve time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from papote.safety.text.normalise import normalise

CHAR_SIZES = (4,)  # the default; a model file records the sizes it was trained with
CONTEXT_MARK = "<"


def message_features(variants: Iterable[str], sizes: Sequence[int] = CHAR_SIZES) -> set[str]:
    """The features of one message from its normalised variants (padded ``words`` forms)."""
    grams: set[str] = set()
    add = grams.add
    for padded in variants:
        n = len(padded)
        for size in sizes:
            for i in range(n - size + 1):
                add(padded[i : i + size])
        words = padded.split()
        previous = ""
        for word in words:
            add(f" {word} ")
            if previous:
                add(f"{previous} {word}")
            previous = word
    return grams


def context_features(words: str) -> set[str]:
    """The features of the previous message: its words, marked."""
    return {CONTEXT_MARK + word for word in words.split()}


def text_features(
    text: str, previous: str | None = None, sizes: Sequence[int] = CHAR_SIZES
) -> set[str]:
    """Features of a raw message (and of the raw previous message): training's entry point."""
    grams = message_features(normalise(text).variants, sizes)
    if previous:
        grams |= context_features(normalise(previous).words)
    return grams
