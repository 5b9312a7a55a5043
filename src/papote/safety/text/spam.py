"""Spam signals of one sender across conversations: repeats, bursts, link farming.

The tracker lives in the engine of each node. A sender talks to one node (their
WebSocket), so per-node counts are what matters; a sender who spreads over nodes is
still caught by the conversation memory (repeats within one conversation). Every
window is a deque of timestamps trimmed from the left: O(1) per message.
"""

from __future__ import annotations

from collections import OrderedDict, deque

REPEAT_WINDOW_MS = 10 * 60 * 1000
REPEAT_MIN_CHARS = 20  # "salut ca va" to ten people is not spam
REPEAT_COUNT = 3  # the third identical message within the window
BURST_WINDOW_MS = 10 * 1000
BURST_COUNT = 15  # above a fast human pace (about one line a second)
LINK_WINDOW_MS = 5 * 60 * 1000
LINK_COUNT = 3
MAX_FINGERPRINTS = 32  # distinct long texts remembered per sender


def _trim(times: deque[int], now: int, window: int) -> int:
    while times and now - times[0] > window:
        times.popleft()
    return len(times)


class _Sender:
    __slots__ = ("links", "recent", "texts")

    def __init__(self) -> None:
        self.recent: deque[int] = deque()
        self.links: deque[int] = deque()
        self.texts: OrderedDict[str, deque[int]] = OrderedDict()


class SpamTracker:
    def __init__(self, max_senders: int = 50_000) -> None:
        self._max = max_senders
        self._senders: OrderedDict[str, _Sender] = OrderedDict()

    def observe(self, sender: str, fingerprint: str, has_link: bool, ts: int) -> set[str]:
        """Record one message and return its spam features."""
        state = self._senders.get(sender)
        if state is None:
            state = self._senders[sender] = _Sender()
            if len(self._senders) > self._max:
                self._senders.popitem(last=False)
        else:
            self._senders.move_to_end(sender)
        found: set[str] = set()
        state.recent.append(ts)
        if _trim(state.recent, ts, BURST_WINDOW_MS) >= BURST_COUNT:
            found.add("$burst")
        if has_link:
            state.links.append(ts)
            if _trim(state.links, ts, LINK_WINDOW_MS) >= LINK_COUNT:
                found.add("$link_farm")
        if len(fingerprint) >= REPEAT_MIN_CHARS or has_link:
            times = state.texts.get(fingerprint)
            if times is None:
                times = state.texts[fingerprint] = deque()
                if len(state.texts) > MAX_FINGERPRINTS:
                    state.texts.popitem(last=False)
            times.append(ts)
            if _trim(times, ts, REPEAT_WINDOW_MS) >= REPEAT_COUNT:
                found.add("$repeat")
        return found
