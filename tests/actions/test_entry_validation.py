"""Entry validation, property-tested: it never crashes and only says what it should."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from papote.actions.entry import MAX_AGE, check_age, check_pseudo, pseudo_key
from papote.actions.errors import ActionError
from papote.safety.pseudonyms import advertises_contact, is_reserved

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.lists(st.integers(), max_size=3),
    st.binary(max_size=10),
)


@given(anything)
def test_check_pseudo_accepts_only_valid_pseudos(value):
    try:
        pseudo = check_pseudo(value)
    except ActionError as exc:
        assert exc.code == "invalid_pseudo"
    else:
        assert isinstance(value, str) and 3 <= len(pseudo) <= 20
        assert all(c.isalnum() or c in "_-" for c in pseudo)


@given(st.from_regex(r"[A-Za-z0-9_\-éèàçùÉÈ]{3,20}", fullmatch=True))
def test_valid_pseudos_pass(pseudo):
    # the staff's names and pseudos that name a network ("xKikx") are refused by design
    assume(not is_reserved(pseudo) and not advertises_contact(pseudo))
    assert check_pseudo(pseudo) == pseudo


@given(anything)
def test_check_age(value):
    try:
        age = check_age(value)
    except ActionError as exc:
        assert exc.code in {"invalid_age", "underage"}
        if exc.code == "underage":
            assert isinstance(value, int | str) and 1 <= int(value) < 18
    else:
        assert 18 <= age <= MAX_AGE


@given(st.text(min_size=1, max_size=20))
def test_pseudo_key_folds_case_and_accents(text):
    assert pseudo_key(text.upper()) == pseudo_key(text.lower()) or not text.isascii()
    assert pseudo_key("Éloïse") == pseudo_key("eloise") == pseudo_key("ELOISE")
