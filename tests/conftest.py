"""Shared fixtures: real server processes on SQLite and PostgreSQL, real Redis.

PostgreSQL and Redis come from the environment (scripts/test.sh starts them):
PAPOTE_TEST_DATABASE_URL and PAPOTE_TEST_REDIS_URL. Without them, the tests that
need them fail loudly rather than skip: CI must run the whole suite.
"""

from __future__ import annotations

import concurrent.futures
import os
import uuid
from collections.abc import Iterator

import pytest

from tests.serverproc import RELAXED, ServerProcess


def _require(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with scripts/test.sh")
    return value


def postgres_url() -> str:
    """A fresh database per call, on the test PostgreSQL server."""
    import asyncio

    import asyncpg

    base = _require("PAPOTE_TEST_DATABASE_URL")
    name = "t_" + uuid.uuid4().hex[:12]
    dsn = base.replace("postgresql+asyncpg://", "postgresql://")

    async def create() -> None:
        conn = await asyncpg.connect(dsn)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

    # may be called from inside a running event loop (async tests): use a thread
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, create()).result()
    return base.rsplit("/", 1)[0] + "/" + name


def redis_url(db: int = 0) -> str:
    return _require("PAPOTE_TEST_REDIS_URL").rsplit("/", 1)[0] + f"/{db}"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """A running server with relaxed rate limits, once per storage backend."""
    env = dict(RELAXED)
    if request.param == "postgres":
        env["PAPOTE_DATABASE_URL"] = postgres_url()
    proc = ServerProcess(env).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def sqlite_server() -> Iterator[ServerProcess]:
    """One SQLite server for tests that need not run on both backends."""
    proc = ServerProcess(dict(RELAXED)).start()
    yield proc
    proc.stop()


@pytest.fixture
def fresh_server() -> Iterator[ServerProcess]:
    """A server of its own (for restarts, kills, strict limits): the test starts it."""
    proc = ServerProcess(dict(RELAXED))
    yield proc
    proc.stop()
