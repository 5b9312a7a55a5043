"""Grouped calls: the reads or writes of many requests in one trip to the database,
each caller answered with its own result.

A caller awaits ``Grouped.add(item)``. Items arriving while a call is in flight (or
within the same loop iteration as the first) wait for the next one, so under load a
call carries everything that arrived during the previous one: one transaction, one
fsync, one round of thread hops (aiosqlite) or of round trips (PostgreSQL) per batch
instead of per request. If a batch fails, its items are retried one by one, so that
one bad item (a constraint) fails alone and an outage fails each of them.

``GroupCommit`` is the write side: each caller returns only once the transaction that
holds its item is durable. Reads (``Grouped`` with results) serve a reconnect storm:
a moment's hellos look their tokens up in one ``IN (...)`` query.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from prometheus_client import Histogram

T = TypeVar("T")
R = TypeVar("R")
Commit = Callable[[Sequence[T]], Awaitable[None]]
Run = Callable[[Sequence[T]], Awaitable[Sequence[R]]]

BATCH_SIZE = Histogram(
    "papote_group_commit_items",
    "Items per grouped call (commit or read)",
    ["what"],
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)


class Grouped(Generic[T, R]):
    """``run(items)`` returns one result per item, in order."""

    def __init__(self, what: str, run: Run[T, R], max_items: int = 256) -> None:
        self._what = what
        self._run_batch = run
        self._max_items = max_items
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None

    async def add(self, item: T) -> R:
        """Returns ``item``'s result once its batch ran; raises what its batch raised."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[R] = loop.create_future()
        self._queue.append((item, done))
        task = self._task
        if task is None or task.done() or task.get_loop() is not loop:
            self._task = loop.create_task(self._run(), name=f"grouped-{self._what}")
        return await done

    async def _run(self) -> None:
        await asyncio.sleep(0)  # let the rest of this loop iteration join the batch
        while self._queue:
            batch = self._queue[: self._max_items]
            del self._queue[: self._max_items]
            BATCH_SIZE.labels(self._what).observe(len(batch))
            try:
                results = await self._run_batch([item for item, _ in batch])
            except Exception as exc:
                if len(batch) == 1:
                    _settle(batch[0][1], exc, None)
                    continue
                for item, done in batch:  # one by one: a bad item fails alone
                    try:
                        (one,) = await self._run_batch([item])
                    except Exception as error:
                        _settle(done, error, None)
                    else:
                        _settle(done, None, one)
                continue
            for (_, done), result in zip(batch, results, strict=True):
                _settle(done, None, result)


class GroupCommit(Grouped[T, None]):
    """Writes: each ``add`` returns once the transaction holding its item committed."""

    def __init__(self, what: str, commit: Commit[T], max_items: int = 256) -> None:
        async def run(items: Sequence[T]) -> list[None]:
            await commit(items)
            return [None] * len(items)

        super().__init__(what, run, max_items)


def _settle(done: asyncio.Future[Any], exc: BaseException | None, result: Any) -> None:
    with contextlib.suppress(asyncio.InvalidStateError):  # the caller went away
        if exc is None:
            done.set_result(result)
        else:
            done.set_exception(exc)
