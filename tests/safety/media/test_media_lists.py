"""Hash-list files: bare hashes, hash and label, programmes' CSV with a header."""

from __future__ import annotations

import pytest

from papote.safety.media.lists import parse_csv

PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
MD5 = "9e107d9d372bb6826bd81d3542a419d6"


def test_bare_hashes_take_the_default_label_and_bad_lines_are_reported():
    parsed = parse_csv(f"{PDQ}\n{MD5.upper()}\nnot-a-hash\n\n# comment\n", "bank", "child_safety")
    assert [(e.kind, e.value, e.label) for e in parsed.entries] == [
        ("pdq", PDQ, "child_safety"),
        ("md5", MD5, "child_safety"),
    ]
    assert parsed.skipped == [3]


def test_labels_map_to_the_two_categories():
    text = f"{PDQ},ncii\n{MD5},CSAM\n{'0' * 32},stopncii\n{'1' * 32},cats\n"
    parsed = parse_csv(text, "mixed", "child_safety")
    assert [e.label for e in parsed.entries] == ["ncii", "child_safety", "ncii"]
    assert parsed.skipped == [4]


def test_a_header_names_the_columns():
    text = f"id,signal_type,signal_value,tags\n1,pdq,{PDQ},intimate\n2,md5,{MD5},\n"
    parsed = parse_csv(text, "hma", "child_safety")
    assert [(e.kind, e.label) for e in parsed.entries] == [("pdq", "ncii"), ("md5", "child_safety")]


def test_an_unknown_default_label_is_refused():
    with pytest.raises(ValueError):
        parse_csv(PDQ, "x", "spam")
