"""Never a 500 at the entry (issue 9, point 7): every Unicode digit in ``age``, and any
JSON value in any field of the entry, against a real server."""

from __future__ import annotations

import sys
import unicodedata

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.wsclient import unique_pseudo

FIELDS = ("pseudo", "age", "gender", "postal_code", "screen", "altcha", "attestation", "nonce")
CODES = {  # every answer the entry documents (docs/protocol.md)
    "invalid_pseudo", "pseudo_reserved", "pseudo_contact", "pseudo_refused", "pseudo_taken",
    "invalid_age",
    "underage", "age_gate_locked", "invalid_gender", "invalid_postal_code", "bad_request",
    "challenge_required", "challenge_failed", "rate_limited", "banned", "invalid_attestation",
    "wrong_nonce", "expired", "replayed", "unknown_issuer", "bad_signature", "not_adult",
    "age_assurance_unavailable",
}  # fmt: skip


def _chars(predicate) -> list[str]:
    return [chr(c) for c in range(sys.maxunicode + 1) if predicate(chr(c))]


# One character of every kind that str.isdigit() or str.isnumeric() accepts: decimal
# digits of every script (Nd), superscripts and circled digits (No), fractions and
# numerals of other systems (Nl, No). Only the first kind is a number int() reads.
DIGIT_LIKE = _chars(lambda c: c.isdigit() or c.isnumeric())


def post(server, body):
    return httpx.post(f"{server.url}/api/v1/session", json=body, timeout=10)


def assert_clean(response):
    assert response.status_code < 500, response.text
    if response.status_code != 201:
        error = response.json()["error"]
        assert error["code"] in CODES, error
        assert isinstance(error["message"], str) and error["message"]


def test_every_digit_like_character_in_age(sqlite_server):
    """The probe's "²" (isdigit but not a number) answered 500; now a clear error."""
    by_category: dict[str, list[str]] = {}
    for char in DIGIT_LIKE:
        by_category.setdefault(unicodedata.category(char), []).append(char)
    assert set(by_category) >= {"Nd", "No", "Nl"}
    with httpx.Client(base_url=sqlite_server.url, timeout=10) as http:
        for category, chars in by_category.items():
            for char in chars[:: max(1, len(chars) // 60)]:  # every script's digits, sampled
                for text in (char, char * 2, "3" + char, char + "0"):
                    body = {"pseudo": unique_pseudo(), "age": text, "gender": "homme",
                            "postal_code": "75011"}  # fmt: skip
                    r = http.post("/api/v1/session", json=body)
                    assert_clean(r)
                    if category != "Nd":
                        assert r.json()["error"]["code"] == "invalid_age", (text, r.text)
    # decimal digits of other scripts read as the number they write
    r = post(sqlite_server, {"pseudo": unique_pseudo(), "age": "٣٤", "gender": "femme",
                             "postal_code": "13001"})  # fmt: skip
    assert r.status_code == 201 and r.json()["user"]["age"] == 34


@pytest.mark.parametrize("age", ["²", "³⁴", "½", "Ⅻ", "①⑧", "𝟑𝟒", "٣٤٥٦", "1e2", " ", "-0", "+30"])
def test_odd_ages(sqlite_server, age):
    assert_clean(post(sqlite_server, {"pseudo": unique_pseudo(), "age": age, "gender": "homme",
                                      "postal_code": "75011"}))  # fmt: skip


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.fixed_dictionaries({}, optional={f: JSON for f in FIELDS}))
def test_any_value_in_any_field_never_500(sqlite_server, body):
    assert_clean(post(sqlite_server, body))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    raw=st.binary(max_size=300)
    | st.text(max_size=300).map(str.encode)
    | JSON.map(repr).map(str.encode)
)
def test_any_body_never_500(sqlite_server, raw):
    r = httpx.post(
        f"{sqlite_server.url}/api/v1/session",
        content=raw,
        headers={"content-type": "application/json"},
        timeout=10,
    )
    assert_clean(r)
