"""Spam signals of one sender across conversations: repeats, bursts, link farming.

The tracker lives in the engine of each node. A sender talks to one node (their
WebSocket), so per-node counts are what matters; a sender who spreads over nodes is
still caught by the conversation memory (repeats within one conversation). Every
window is a deque of timestamps trimmed from the left: O(1) per message.

A long text that the engine asked to confirm (a warn verdict) was not delivered; sending
it again is the confirmation, not a repeat: the second send of a warned text counts with
the first (``note_warned``). A warned text sent round after round still adds up, one per
round.
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
    __slots__ = ("counted", "links", "recent", "texts", "warned")

    def __init__(self) -> None:
        self.recent: deque[int] = deque()
        self.links: deque[int] = deque()
        self.texts: OrderedDict[str, deque[int]] = OrderedDict()
        # long texts answered "confirm" and not yet sent again -> when
        self.warned: OrderedDict[str, int] = OrderedDict()
        self.counted: str | None = None  # the fingerprint the last message added a count to


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
            warned_at = state.warned.pop(fingerprint, None)
            if warned_at is None or ts - warned_at > REPEAT_WINDOW_MS:
                times.append(ts)
                state.counted = fingerprint
            else:
                state.counted = None  # the confirmation of a warned text: counted already
            if _trim(times, ts, REPEAT_WINDOW_MS) >= REPEAT_COUNT:
                found.add("$repeat")
        else:
            state.counted = None
        return found

    def note_warned(self, sender: str, fingerprint: str, ts: int) -> None:
        """The message just observed was answered "confirm": its next send confirms it."""
        state = self._senders.get(sender)
        if state is None or state.counted != fingerprint:
            return
        state.warned[fingerprint] = ts
        state.warned.move_to_end(fingerprint)
        if len(state.warned) > MAX_FINGERPRINTS:
            state.warned.popitem(last=False)
