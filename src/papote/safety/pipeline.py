"""The safety pipeline: a typed registry of hooks, each timed; the most severe verdict wins.

Every way in passes here: messages (``say``, ``dm``), entries, uploads. Hooks are
plain callables returning a :class:`~papote.safety.verdict.Verdict`. Text hooks are
synchronous and must stay far under a millisecond; a hook that needs I/O is async.
See docs/safety.md.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from prometheus_client import Histogram

from papote.safety.context import EntryContext, MediaContext, MessageContext
from papote.safety.verdict import ALLOW, Action, Verdict, most_severe

C = TypeVar("C")
Hook = Callable[[C], Verdict | Awaitable[Verdict]]

HOOK_SECONDS = Histogram(
    "papote_safety_hook_seconds",
    "Time spent in one safety hook",
    ["point", "hook"],
    buckets=(0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.02, 0.1, 1.0),
)


@dataclass
class HookPoint(Generic[C]):
    """The hooks registered for one way in (messages, entries, media)."""

    name: str
    hooks: list[tuple[str, Hook[C]]] = field(default_factory=list)

    def register(self, name: str, hook: Hook[C]) -> None:
        self.hooks.append((name, hook))

    async def judge(self, ctx: C) -> Verdict:
        verdicts: list[Verdict] = []
        for name, hook in self.hooks:
            start = time.perf_counter()
            result = hook(ctx)
            if inspect.isawaitable(result):
                result = await result
            HOOK_SECONDS.labels(self.name, name).observe(time.perf_counter() - start)
            verdicts.append(result)
            if result.action is Action.ESCALATE:
                break  # nothing can be more severe
        return most_severe(verdicts) if verdicts else ALLOW


@dataclass
class SafetyPipeline:
    messages: HookPoint[MessageContext] = field(default_factory=lambda: HookPoint("message"))
    entries: HookPoint[EntryContext] = field(default_factory=lambda: HookPoint("entry"))
    media: HookPoint[MediaContext] = field(default_factory=lambda: HookPoint("media"))

    async def judge_message(self, ctx: MessageContext) -> Verdict:
        return await self.messages.judge(ctx)

    async def judge_entry(self, ctx: EntryContext) -> Verdict:
        return await self.entries.judge(ctx)

    async def judge_media(self, ctx: MediaContext) -> Verdict:
        return await self.media.judge(ctx)
