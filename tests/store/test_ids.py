from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from papote.ids import MessageIds, _base32, dm_key


def test_message_ids_sort_in_send_order():
    gen = MessageIds(node=7)
    ids = [gen.next() for _ in range(20000)]  # many per millisecond
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(len(i) == 13 for i in ids)


@given(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1))
def test_base32_preserves_order(a, b):
    assert (a < b) == (_base32(a, 13) < _base32(b, 13))


def test_dm_key_is_symmetric():
    assert dm_key("a", "b") == dm_key("b", "a") == "a:b"
