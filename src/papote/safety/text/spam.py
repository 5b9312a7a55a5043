"""Spam signals of one sender across conversations: repeats, bursts, link farming.

The tracker lives in the engine of each node. A sender talks to one node (their
WebSocket), so per-node counts are what matters; a sender who spreads over nodes is
still caught by the conversation memory (repeats within one conversation).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass

REPEAT_WINDOW_MS = 10 * 60 * 1000
REPEAT_MIN_CHARS = 20  # "salut ca va" to ten people is not spam
REPEAT_COUNT = 3  # the third identical message within the window
BURST_WINDOW_MS = 10 * 1000
BURST_COUNT = 8
LINK_WINDOW_MS = 5 * 60 * 1000
LINK_COUNT = 3


@dataclass(frozen=True, slots=True)
class _Seen:
    ts: int
    fingerprint: str
    has_link: bool


class SpamTracker:
    def __init__(self, max_senders: int = 50_000, per_sender: int = 64) -> None:
        self._max = max_senders
        self._per_sender = per_sender
        self._seen: OrderedDict[str, deque[_Seen]] = OrderedDict()

    def observe(self, sender: str, fingerprint: str, has_link: bool, ts: int) -> set[str]:
        """Record one message and return its spam features."""
        seen = self._seen.get(sender)
        if seen is None:
            seen = self._seen[sender] = deque(maxlen=self._per_sender)
            while len(self._seen) > self._max:
                self._seen.popitem(last=False)
        else:
            self._seen.move_to_end(sender)
        seen.append(_Seen(ts, fingerprint, has_link))
        found: set[str] = set()
        if len(fingerprint) >= REPEAT_MIN_CHARS or has_link:
            same = sum(1 for s in seen if s.fingerprint == fingerprint and ts - s.ts <= REPEAT_WINDOW_MS)
            if same >= REPEAT_COUNT:
                found.add("$repeat")
        if sum(1 for s in seen if ts - s.ts <= BURST_WINDOW_MS) >= BURST_COUNT:
            found.add("$burst")
        if has_link and sum(1 for s in seen if s.has_link and ts - s.ts <= LINK_WINDOW_MS) >= LINK_COUNT:
            found.add("$link_farm")
        return found
