"""How listed hashes are searched: PDQ by Hamming distance, MD5 exactly.

PDQ uses faiss's multi-index hashing (``IndexBinaryMultiHash``, the scheme
ThreatExchange's ``PDQMultiHashIndex`` wraps): the 256 bits are cut into 16 chunks of
16 bits; two hashes within 31 bits differ by at most one bit in some chunk
(pigeonhole), so probing each chunk with one bit flipped finds every match, exactly,
without scanning the whole list. About a millisecond a query at a million hashes
(``papote bench media``).

An index that is still loading answers :class:`IndexNotReady`, never "no match".
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import faiss
import numpy as np

from papote.safety.media.signals import PDQ_MATCH_DISTANCE

_BITS = 256
_CHUNKS = 16


class IndexNotReady(Exception):
    """The lists are still loading: a query now could miss, so it is not answered."""


@dataclass(frozen=True, slots=True)
class ListedHash:
    kind: str  # "pdq" | "md5"
    value: str  # lower-case hex
    list_name: str
    label: str  # "child_safety" | "ncii" | ... (the category of an escalation)


@dataclass(frozen=True, slots=True)
class Match:
    entry: ListedHash
    distance: int  # Hamming bits for PDQ; 0 for an MD5

    def to_json(self) -> dict[str, object]:
        return {
            "list": self.entry.list_name,
            "label": self.entry.label,
            "kind": self.entry.kind,
            "distance": self.distance,
        }


class HashIndex:
    """Every listed hash of every list, in memory; safe to query from several threads."""

    def __init__(self, max_distance: int = PDQ_MATCH_DISTANCE) -> None:
        if not 0 <= max_distance < 2 * _CHUNKS:
            raise ValueError("max_distance must be below 32 (one flipped bit per chunk)")
        self.max_distance = max_distance
        # One query is a few thousand comparisons: OpenMP threads would only compete with
        # the event loop for the cores.
        faiss.omp_set_num_threads(1)
        self._pdq = faiss.IndexBinaryMultiHash(_BITS, _CHUNKS, _BITS // _CHUNKS)
        self._pdq.nflip = max_distance // _CHUNKS
        self._pdq_entries: list[list[ListedHash]] = []
        self._pdq_position: dict[str, int] = {}
        self._md5: dict[str, list[ListedHash]] = {}
        self._lock = threading.Lock()
        self._ready = False

    @property
    def ready(self) -> bool:
        return self._ready

    def mark_ready(self) -> None:
        self._ready = True

    def __len__(self) -> int:
        return len(self._pdq_entries) + len(self._md5)

    def add(self, entries: Iterable[ListedHash]) -> int:
        """Add entries (duplicates of a hash keep every list they come from)."""
        new_pdq: list[bytes] = []
        count = 0
        with self._lock:
            for entry in entries:
                count += 1
                if entry.kind == "md5":
                    self._md5.setdefault(entry.value, []).append(entry)
                    continue
                position = self._pdq_position.get(entry.value)
                if position is None:
                    self._pdq_position[entry.value] = len(self._pdq_entries)
                    self._pdq_entries.append([entry])
                    new_pdq.append(bytes.fromhex(entry.value))
                else:
                    self._pdq_entries[position].append(entry)
            if new_pdq:
                vectors = np.frombuffer(b"".join(new_pdq), dtype=np.uint8).reshape(-1, 32)
                self._pdq.add(vectors)
        return count

    def query(self, *, pdqs: Sequence[str] = (), md5: str = "") -> list[Match]:
        """Every listed entry within the distance of one of ``pdqs`` (an image's PDQ and
        its dihedral variants) or equal to ``md5``; each entry once, at its least
        distance, closest first."""
        if not self._ready:
            raise IndexNotReady()
        best: dict[ListedHash, int] = {e: 0 for e in self._md5.get(md5, ())} if md5 else {}
        queries = [bytes.fromhex(p) for p in pdqs if p]
        if queries and self._pdq_entries:
            vectors = np.frombuffer(b"".join(queries), dtype=np.uint8).reshape(-1, 32)
            with self._lock:
                limits, distances, positions = self._pdq.range_search(
                    vectors, self.max_distance + 1
                )
                for i in range(limits[-1]):
                    for entry in self._pdq_entries[int(positions[i])]:
                        distance = int(distances[i])
                        if distance < best.get(entry, 257):
                            best[entry] = distance
        return sorted((Match(e, d) for e, d in best.items()), key=lambda m: m.distance)
