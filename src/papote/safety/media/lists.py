"""Where listed hashes come from: CSV files published by hash-sharing programmes.

Accepted shapes (``papote hashlist import NAME FILE``):

- one hash a line, PDQ (64 hex) or MD5 (32 hex): ``f8f8f0ce...9b22``
- a hash and a label: ``f8f8f0ce...9b22,ncii``
- a header naming the columns, as HMA bank exports and programme lists do: the hash
  column is one of ``hash, signal, signal_value, pdq, md5, value``; the label column one of
  ``label, category, tag, tags, classification``; other columns are ignored.

Labels are mapped to the two categories an image match escalates to: ``child_safety``
(also ``csam``, ``csae``, ``ncmec``, ``child``) and ``ncii`` (also ``stopncii``,
``intimate``); a line without a label takes the list's default label.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from papote.safety.media.index import ListedHash
from papote.safety.media.signals import is_md5, is_pdq

LABELS = ("child_safety", "ncii")
_ALIASES = {
    "child_safety": "child_safety",
    "csam": "child_safety",
    "csae": "child_safety",
    "ncmec": "child_safety",
    "child": "child_safety",
    "ncii": "ncii",
    "stopncii": "ncii",
    "intimate": "ncii",
}
_HASH_COLUMNS = ("hash", "signal", "signal_value", "pdq", "md5", "value")
_LABEL_COLUMNS = ("label", "category", "tag", "tags", "classification")


@dataclass
class ParsedList:
    entries: list[ListedHash] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # line numbers that held no valid hash


def normalise_label(raw: str, default: str) -> str | None:
    """The category of a label, the default when empty, None when unknown."""
    words = [w for w in raw.strip().lower().replace(";", " ").replace("|", " ").split() if w]
    if not words:
        return default
    for word in words:
        if word in _ALIASES:
            return _ALIASES[word]
    return None


def _kind(value: str) -> str | None:
    if is_pdq(value):
        return "pdq"
    if is_md5(value):
        return "md5"
    return None


def _columns(header: list[str]) -> tuple[int, int | None] | None:
    names = [h.strip().lower() for h in header]
    hash_col = next((names.index(n) for n in _HASH_COLUMNS if n in names), None)
    if hash_col is None:
        return None
    label_col = next((names.index(n) for n in _LABEL_COLUMNS if n in names), None)
    return hash_col, label_col


def parse_csv(text: str, list_name: str, default_label: str) -> ParsedList:
    if default_label not in LABELS:
        raise ValueError(f"label must be one of {', '.join(LABELS)}")
    parsed = ParsedList()
    hash_col: int = 0
    label_col: int | None = 1
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not cells or not cells[0] or cells[0].startswith("#"):
            continue
        if number == 1 and _kind(cells[0].lower()) is None:
            header = _columns(cells)
            if header is not None:
                hash_col, label_col = header
                continue
        value = cells[hash_col].lower() if hash_col < len(cells) else ""
        kind = _kind(value)
        raw_label = cells[label_col] if label_col is not None and label_col < len(cells) else ""
        label = normalise_label(raw_label, default_label)
        if kind is None or label is None:
            parsed.skipped.append(number)
            continue
        parsed.entries.append(ListedHash(kind, value, list_name, label))
    return parsed
