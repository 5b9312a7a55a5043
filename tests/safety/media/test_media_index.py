"""The index of listed hashes: exact within the distance, not ready while loading."""

from __future__ import annotations

import random

import pytest

from papote.safety.media.index import HashIndex, IndexNotReady, ListedHash
from papote.safety.media.signals import pdq_distance


def _flip(value: str, bits: list[int]) -> str:
    number = int(value, 16)
    for bit in bits:
        number ^= 1 << bit
    return f"{number:064x}"


def _random_pdq(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def test_not_ready_is_an_answer_never_a_silent_miss():
    index = HashIndex()
    index.add([ListedHash("md5", "0" * 32, "l", "ncii")])
    with pytest.raises(IndexNotReady):
        index.query(md5="0" * 32)
    index.mark_ready()
    assert index.query(md5="0" * 32)[0].distance == 0


def test_the_index_finds_exactly_what_a_scan_in_python_finds():
    rng = random.Random(7)
    listed = [_random_pdq(rng) for _ in range(3000)]
    index = HashIndex(max_distance=31)
    index.add(ListedHash("pdq", h, "bank", "child_safety") for h in listed)
    index.mark_ready()
    for distance in (0, 1, 15, 16, 30, 31, 32, 40):
        target = rng.choice(listed)
        query = _flip(target, rng.sample(range(256), distance))
        found = {(m.entry.value, m.distance) for m in index.query(pdqs=[query])}
        expected = {(h, pdq_distance(h, query)) for h in listed if pdq_distance(h, query) <= 31}
        assert found == expected
        assert (target in {v for v, _ in found}) == (distance <= 31)


def test_a_hash_on_two_lists_matches_both_and_md5_is_exact():
    index = HashIndex()
    pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
    index.add(
        [
            ListedHash("pdq", pdq, "ncmec", "child_safety"),
            ListedHash("pdq", pdq, "protected", "ncii"),
            ListedHash("md5", "a" * 32, "protected", "ncii"),
        ]
    )
    index.mark_ready()
    matches = index.query(pdqs=[_flip(pdq, [3, 100])], md5="b" * 32)
    assert sorted(m.entry.list_name for m in matches) == ["ncmec", "protected"]
    assert {m.distance for m in matches} == {2}
    assert [m.entry.kind for m in index.query(md5="a" * 32)] == ["md5"]
    assert len(index) == 3


def test_a_threshold_that_would_match_anything_is_refused():
    with pytest.raises(ValueError):
        HashIndex(max_distance=64)


def test_an_entry_reached_by_several_variants_is_reported_once_at_its_least_distance():
    index = HashIndex()
    base = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
    index.add([ListedHash("pdq", base, "bank", "ncii")])
    index.mark_ready()
    matches = index.query(pdqs=[_flip(base, [1, 2, 3]), _flip(base, [9]), "", _flip(base, [])])
    assert [(m.entry.value, m.distance) for m in matches] == [(base, 0)]
