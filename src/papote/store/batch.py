"""Group commit: the writes of many requests in one transaction, each acknowledged
only once that transaction is durable.

A caller awaits ``GroupCommit.add(item)``. Items arriving while a commit is in flight
(or within the same loop iteration as the first) wait for the next one, so under load
a commit carries everything that arrived during the previous one: one fsync, one
round of thread hops (aiosqlite) or of round trips (PostgreSQL) per batch instead of
per message. If a batch fails, its items are retried one by one, so that one bad item
(a constraint) fails alone and an outage fails each of them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from prometheus_client import Histogram

T = TypeVar("T")
Commit = Callable[[Sequence[T]], Awaitable[None]]

BATCH_SIZE = Histogram(
    "papote_group_commit_items",
    "Items per group commit",
    ["what"],
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)


class GroupCommit(Generic[T]):
    def __init__(self, what: str, commit: Commit[T], max_items: int = 256) -> None:
        self._what = what
        self._commit = commit
        self._max_items = max_items
        self._queue: list[tuple[T, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None

    async def add(self, item: T) -> None:
        """Returns once ``item`` is committed; raises what its commit raised."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.append((item, done))
        task = self._task
        if task is None or task.done() or task.get_loop() is not loop:
            self._task = loop.create_task(self._run(), name=f"group-commit-{self._what}")
        await done

    async def _run(self) -> None:
        await asyncio.sleep(0)  # let the rest of this loop iteration join the batch
        while self._queue:
            batch = self._queue[: self._max_items]
            del self._queue[: self._max_items]
            BATCH_SIZE.labels(self._what).observe(len(batch))
            try:
                await self._commit([item for item, _ in batch])
            except Exception as exc:
                if len(batch) == 1:
                    _settle(batch[0][1], exc)
                    continue
                for item, done in batch:  # one by one: a bad item fails alone
                    try:
                        await self._commit([item])
                    except Exception as one:
                        _settle(done, one)
                    else:
                        _settle(done, None)
                continue
            for _, done in batch:
                _settle(done, None)


def _settle(done: asyncio.Future[None], exc: BaseException | None) -> None:
    with contextlib.suppress(asyncio.InvalidStateError):  # the caller went away
        if exc is None:
            done.set_result(None)
        else:
            done.set_exception(exc)
