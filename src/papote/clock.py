"""Time in milliseconds since the epoch, UTC: the protocol's unit."""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], int]


def now_ms() -> int:
    return int(time.time() * 1000)
