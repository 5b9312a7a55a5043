"""The coordinator's handle on the generator processes.

Users are numbered globally and dealt round-robin to W processes (``worker``); a
command goes to every process at once and the answers are gathered. The processes'
own CPU time is read too: if they approach one core each, the generator is the
bottleneck and the figures say so (``client_cpu_share``).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from papote.bench.chat import worker
from papote.bench.server import process_cpu_seconds


class Generator:
    def __init__(self, workers: int, config: dict[str, Any]) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.procs: list[multiprocessing.process.BaseProcess] = []
        for wid in range(workers):
            ours, theirs = context.Pipe()
            proc = context.Process(
                target=worker.main,
                args=(theirs, {**config, "wid": wid, "workers": workers}),
                daemon=True,
            )
            proc.start()
            self.pipes.append(ours)
            self.procs.append(proc)

    @property
    def size(self) -> int:
        return len(self.pipes)

    def owner(self, index: int) -> int:
        return index % self.size

    def call(
        self, command: str, args: dict[str, Any] | Callable[[int], dict[str, Any]] | None = None
    ) -> list[Any]:
        """``command`` on every process (``args`` the same for all, or per process)."""
        for wid, pipe in enumerate(self.pipes):
            pipe.send((command, args(wid) if callable(args) else (args or {})))
        answers = []
        for pipe in self.pipes:
            status, result = pipe.recv()
            if status != "ok":
                raise RuntimeError(f"generator process: {result}")
            answers.append(result)
        return answers

    def cpu_seconds(self) -> float:
        return sum(process_cpu_seconds(p.pid) for p in self.procs if p.pid is not None)

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(("close", {}))
                pipe.recv()
            except (OSError, EOFError):
                pass
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
