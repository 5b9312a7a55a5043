"""The normaliser: evasions people really use are undone; ordinary text is left readable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papote.safety.text.normalise import fold, normalise, normalise_term


def _has_word(text: str, word: str) -> bool:
    target = f" {normalise_term(word)} "
    return any(target in v for v in normalise(text).variants)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("сonnаrd", "connard"),  # Cyrillic с and а
        ("ｐｕｔｅ", "pute"),  # full-width
        ("𝐩𝐮𝐭𝐞", "pute"),  # mathematical bold
        ("ⓟⓤⓣⓔ", "pute"),  # circled letters
        ("Nègre", "negre"),
        ("n3gr3", "negre"),
        ("s@l0pe", "salope"),
        ("sa1ope", "salope"),
        ("p.u.t.e", "pute"),
        ("n e g r e", "negre"),
        ("s-a-l-e", "sale"),
        ("PUUUUTE", "pute"),
        ("c\u200bonnard", "connard"),  # zero-width space
        ("$alope", "salope"),
        ("€ncul€", "encule"),
    ],
)
def test_evasions_are_undone(text: str, word: str) -> None:
    assert _has_word(text, word)


def test_emoji_become_words() -> None:
    words = normalise("🍃❄️ dispo").words
    assert "emjherbe" in words and "emjneige" in words


def test_numbers_stay_numbers_and_words_stay_apart() -> None:
    n = normalise("j'ai 14 ans, la gare de Lyon")
    assert "14" in n.folded and " 14 " in n.words
    assert not _has_word("la gare", "negre")
    assert not _has_word("week-end", "wekend")


def test_folded_keeps_digits_and_punctuation() -> None:
    assert fold("J'ai 14 ANS !") == "j'ai 14 ans !"
    assert fold("Ça été") == "ca ete"


def test_baisse_is_not_baise() -> None:
    assert not _has_word("les prix ont baissé", "baise")


@given(st.text(max_size=200))
def test_any_text_normalises_to_padded_lowercase_words(text: str) -> None:
    n = normalise(text)
    for variant in n.variants:
        assert variant.startswith(" ") and variant.endswith(" ")
        assert variant == variant.lower()
        assert "  " not in variant
        assert all(ch.isalnum() or ch == " " for ch in variant)


@given(
    st.text(
        alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd")), min_size=2, max_size=30
    )
)
def test_a_word_always_matches_its_own_term(word: str) -> None:
    term = normalise_term(word)
    if len(term.replace(" ", "")) >= 2:
        assert any(f" {term} " in v for v in normalise(word).variants)


@given(st.text(max_size=80))
def test_normalising_is_idempotent_on_words(text: str) -> None:
    words = normalise(text).words
    assert normalise(words).words == words


@pytest.mark.parametrize(
    ("text", "spelled_out"),
    [
        ("jte jure jte viole", " je te jure je te viole "),
        ("jvais tforcer", " je vais te forcer "),
        ("jlai vue hier", " je lai vue hier "),
    ],
)
def test_sms_contractions_are_spelled_out_as_a_variant(text: str, spelled_out: str) -> None:
    variants = normalise(text).variants
    assert variants[0] == f" {text} "  # the words as typed stay the first form
    assert spelled_out in variants


@pytest.mark.parametrize("text", ["le tchat en jpeg", "la tv", "tkt", "un tshirt", "je te vois"])
def test_words_that_really_start_so_are_left_alone(text: str) -> None:
    assert normalise(text).variants == (f" {text} ",)


def test_an_sms_age_stays_a_number() -> None:
    # "13a" is "13 ans", not the l33t of "iea"
    assert normalise("ta lair grande pr 13a").words == " ta lair grande pr 13a "
