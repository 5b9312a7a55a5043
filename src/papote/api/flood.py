"""The frame budget of one connection: slow down first, then refuse, then close.

Every frame costs what the command table says (api/commands.py). Over the budget
(``rate_frames``) the gateway stops reading that socket for ``FAKELAG_S`` (Ergo's
fakelag: the flooder's own TCP buffers fill, nobody else waits), then answers
``rate_limited``. A connection over its budget ``flood_close_after`` times within
``FLOOD_WINDOW_S`` is closed (1008). Independent of the socket library: the clock
and the sleep are injected so that tests control time.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from enum import Enum

from prometheus_client import Counter

FAKELAG_S = 0.25
FLOOD_WINDOW_S = 30.0
OVER_BUDGET = Counter("papote_frames_over_budget_total", "Frames over a connection's budget")
FLOOD_CLOSED = Counter("papote_flood_closed_total", "Connections closed for flooding")

Hit = Callable[[int], Awaitable[bool]]


class Admission(Enum):
    OK = "ok"
    REFUSED = "refused"  # answer rate_limited, keep the connection
    CLOSE = "close"  # a flood: close the connection


class FloodGuard:
    def __init__(
        self,
        hit: Hit,
        *,
        close_after: int,
        fakelag_s: float = FAKELAG_S,
        window_s: float = FLOOD_WINDOW_S,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._hit = hit
        self._close_after = close_after
        self._fakelag_s = fakelag_s
        self._window_s = window_s
        self._sleep = sleep
        self._clock = clock
        self._over: deque[float] | None = None  # made at the first excess (memory)

    async def admit(self, cost: int) -> Admission:
        """Charge a frame's cost; over the budget, slow down, then refuse or close."""
        if cost <= 0 or await self._hit(cost):
            return Admission.OK
        OVER_BUDGET.inc()
        now = self._clock()
        over = self._over
        if over is None:
            over = self._over = deque()
        over.append(now)
        while over and now - over[0] > self._window_s:
            over.popleft()
        if len(over) >= self._close_after:
            FLOOD_CLOSED.inc()
            return Admission.CLOSE
        await self._sleep(self._fakelag_s)  # slow the flood down first
        if await self._hit(cost):
            return Admission.OK
        return Admission.REFUSED
