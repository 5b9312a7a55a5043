"""The upload workers live and die with their server: stopped with it, and ended by
the kernel when the server is killed (no orphan keeps the model in memory)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.images import encode, photo
from tests.mediaclient import uploaded
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import enter


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


@pytest.mark.parametrize("how", ["stop", "kill9"])
async def test_workers_end_with_their_server(how):
    server = ServerProcess(dict(RELAXED)).start(timeout=120)
    try:
        me = await enter(server.url)
        uploaded(server, me["token"], encode(photo(seed=71, size=(300, 200))))
        assert server.proc is not None
        workers = _children(server.proc.pid)
        assert workers, "the upload ran in a worker process"
        server.stop() if how == "stop" else server.kill9()
        deadline = time.monotonic() + 20
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _alive(workers) == []
    finally:
        server.stop()
