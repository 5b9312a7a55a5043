"""Minor signals (safety/text/minors.py): self-disclosure yes, talk about others no."""

from __future__ import annotations

import pytest

from papote.safety.text.minors import UNKNOWN_AGE, minor_signal
from papote.safety.text.normalise import fold


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("j'ai 14 ans", 14),
        ("g 13 ans", 13),
        ("jai 12ans", 12),
        ("15 ans et toi", 15),
        ("bsr, 16 ans et toi", 16),
        ("jsuis en 4e", UNKNOWN_AGE),
        ("au collège moi", UNKNOWN_AGE),
        ("mes parents veulent pas", UNKNOWN_AGE),
        ("je passe le brevet", UNKNOWN_AGE),
        ("je suis mineure", UNKNOWN_AGE),
        ("chui en 3eme", UNKNOWN_AGE),
    ],
)
def test_self_disclosure(text: str, age: int) -> None:
    signal = minor_signal(fold(text))
    assert signal is not None and signal.age == age


@pytest.mark.parametrize(
    "text",
    [
        "ma fille a 14 ans",
        "j'ai 14 ans de mariage",
        "je suis prof au collège",
        "quand j'avais 14 ans",
        "j'ai 34 ans",
        "mon fils est en 4e",
        "j'ai passé le brevet en 1998",
        "tu as 14 ans ?",
        "ma mère veut pas que je déménage, à 35 ans",
        "j'ai 15 ans d'expérience",
    ],
)
def test_not_about_a_minor_sender(text: str) -> None:
    assert minor_signal(fold(text)) is None


def test_bare_number_only_answers_an_age_question() -> None:
    assert minor_signal(fold("14"), answers_age_question=True) is not None
    assert minor_signal(fold("14")) is None
    assert minor_signal(fold("25"), answers_age_question=True) is None
