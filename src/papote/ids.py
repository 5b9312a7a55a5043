"""Identifiers: sortable message ids, random user ids and tokens."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _base32(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


class MessageIds:
    """64-bit ids: 42 bits of milliseconds, 10 bits of node, 12 bits of sequence.

    Encoded as 13 Crockford base-32 characters, so string order is numeric order:
    ids sort in send order on one node and by millisecond across nodes.
    """

    def __init__(self, node: int | None = None) -> None:
        self.node = (secrets.randbits(10) if node is None else node) & 0x3FF
        self._last_ms = 0
        self._seq = 0
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            ms = int(time.time() * 1000)
            if ms <= self._last_ms:
                ms = self._last_ms
                self._seq += 1
                if self._seq > 0xFFF:  # 4096 ids in one ms: borrow the next ms
                    ms += 1
                    self._seq = 0
            else:
                self._seq = 0
            self._last_ms = ms
            return _base32((ms << 22) | (self.node << 12) | self._seq, 13)


def user_id() -> str:
    return "u" + secrets.token_urlsafe(9)


def report_id() -> str:
    return "r" + secrets.token_urlsafe(9)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def dm_key(a: str, b: str) -> str:
    return f"{a}:{b}" if a < b else f"{b}:{a}"
