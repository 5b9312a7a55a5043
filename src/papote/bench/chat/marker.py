"""The stamp a benchmark message carries at the end of its text.

Latency is measured from the moment a message is sent to every moment it is
received, by processes other than the sender's: the send time travels in the
message. It is written in 16 consonants (digits would be read as ages by the
moderation, hex digits as leetspeak), 14 of them, the last characters before the
``","media":`` that follows the text in every message frame. The clock is
``CLOCK_MONOTONIC``, the same for every process of the machine; the send time in
microseconds (modulo 76 hours) takes 38 bits, the sender 21, the kind 1.
"""

from __future__ import annotations

import time

ALPHABET = b"bdfghjlmnprstvwz"  # 16 consonants (no c, k, q, x: "fck", "ntq"...): base 16
_DIGITS = b"0123456789abcdef"
_TO_DIGITS = bytes.maketrans(ALPHABET, _DIGITS)
_TO_LETTERS = str.maketrans(_DIGITS.decode(), ALPHABET.decode())
WIDTH = 15  # 16**15 == 2**60
TEXT_END = b'","media":'
KIND_ROOM, KIND_DM = 0, 1
_INDEX_BITS = 21  # senders per run, at most two million


_TIME_MASK = (1 << 38) - 1  # 76 hours of microseconds: times wrap, differences do not


def now_us() -> int:
    return (time.monotonic_ns() // 1000) & _TIME_MASK


def elapsed_us(sent_us: int) -> int:
    """Microseconds since ``sent_us`` (a time from ``now_us``, wrap-around included)."""
    return (now_us() - sent_us) & _TIME_MASK


def _base16(value: int) -> str:
    digits = []
    for _ in range(WIDTH):
        value, rest = divmod(value, 16)
        digits.append(_DIGITS[rest])
    return bytes(reversed(digits)).decode().translate(_TO_LETTERS)


def stamp(sender: int, kind: int, sent_us: int) -> str:
    """The marker for a message sent by user ``sender`` at ``sent_us``."""
    return _base16((sent_us << (_INDEX_BITS + 1)) | (kind << _INDEX_BITS) | sender)


def read(frame: bytes) -> tuple[int, int, int] | None:
    """(sender, kind, sent_us) from a frame carrying a stamped message, else None."""
    end = frame.find(TEXT_END)
    if end < WIDTH:
        return None
    try:
        value = int(frame[end - WIDTH : end].translate(_TO_DIGITS), 16)
    except ValueError:
        return None
    return value & ((1 << _INDEX_BITS) - 1), (value >> _INDEX_BITS) & 1, value >> (_INDEX_BITS + 1)
