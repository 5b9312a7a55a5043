"""Evasion augmentation: deterministic, really evasive, and partly undone by the normaliser."""

from __future__ import annotations

import random

from papote.safety.text.normalise import normalise
from papote.safety.training.augment import AUGMENTERS, augment, lookalike, zero_width

TEXT = "Je vais te retrouver, sale pédophile de merde"


def test_each_rewrite_changes_the_text() -> None:
    for change in AUGMENTERS:
        changed = {change(TEXT, random.Random(seed)) for seed in range(5)}
        assert changed != {TEXT}, change.__name__


def test_same_seed_same_rewrites() -> None:
    assert augment(TEXT, random.Random(3), 4) == augment(TEXT, random.Random(3), 4)
    assert augment(TEXT, random.Random(3), 4) != augment(TEXT, random.Random(4), 4)
    rewrites = augment(TEXT, random.Random(1), 4)
    assert len(rewrites) == len(set(rewrites)) == 4 and TEXT not in rewrites


def test_the_normaliser_undoes_look_alikes_and_invisible_characters() -> None:
    plain = normalise(TEXT).words
    for change in (lookalike, zero_width):
        rewrites = {change(TEXT, random.Random(seed)) for seed in range(10)} - {TEXT}
        assert len(rewrites) >= 5, change.__name__
        for changed in rewrites:
            assert normalise(changed).words == plain, (change.__name__, changed)
