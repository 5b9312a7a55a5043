"""The frame budget's policy with a controlled clock: slow, refuse, then close."""

from __future__ import annotations

from papote.api.flood import Admission, FloodGuard


class Budget:
    def __init__(self, allowed: int) -> None:
        self.allowed = allowed

    async def hit(self, cost: int) -> bool:
        if self.allowed >= cost:
            self.allowed -= cost
            return True
        return False


async def test_within_budget_no_delay_over_budget_slowed_then_closed() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    budget = Budget(5)
    guard = FloodGuard(budget.hit, close_after=4, sleep=sleep, clock=lambda: now[0])
    assert [await guard.admit(1) for _ in range(5)] == [Admission.OK] * 5
    assert slept == []
    results = [await guard.admit(1) for _ in range(4)]
    assert results == [Admission.REFUSED] * 3 + [Admission.CLOSE]
    assert slept == [0.25] * 3  # each refusal came after a pause


async def test_free_frames_and_old_overruns_do_not_count() -> None:
    now = [0.0]

    async def sleep(s: float) -> None:
        now[0] += s

    budget = Budget(0)
    guard = FloodGuard(budget.hit, close_after=3, sleep=sleep, clock=lambda: now[0])
    assert await guard.admit(0) is Admission.OK
    assert await guard.admit(1) is Admission.REFUSED
    assert await guard.admit(1) is Admission.REFUSED
    now[0] += 31  # a quiet half-minute: the count starts again
    assert await guard.admit(1) is Admission.REFUSED
    budget.allowed = 1  # the budget is back: served
    assert await guard.admit(1) is Admission.OK
