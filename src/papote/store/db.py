"""The database engine and session factory (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from prometheus_client import Counter
from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from papote.store import media_file
from papote.store.batch import Commit, GroupCommit, Grouped, Run

T = TypeVar("T")
R = TypeVar("R")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL + synchronous=FULL: a committed message survives kill -9 and power loss.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        # One connection: SQLite has one writer at a time, and several pooled connections
        # waiting on its busy handler gave multi-second tails and "database is locked".
        # Queued in the pool instead, writes commit in arrival order.
        engine = create_async_engine(
            url, connect_args={"timeout": 30}, pool_size=1, max_overflow=0, pool_timeout=60
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


STATEMENTS = Counter("papote_db_statements_total", "SQL statements sent to the database", ["verb"])


def _count_statement(
    _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    STATEMENTS.labels(statement.lstrip().split(None, 1)[0].upper()).inc()


class Database:
    """Owns the engines; ``async with db.session() as s`` is the only way to a session.

    ``media_session`` reaches the image bytes (``media_blobs``): on SQLite a side file with
    its own connection, so that storing an image never holds the chat's only connection
    (media_file.py); elsewhere the same database as ``session``.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.session = session_factory(self.engine)
        event.listen(self.engine.sync_engine, "before_cursor_execute", _count_statement)
        self.media_engine = self.engine
        side = media_file.side_path(url)
        if side is not None:
            media_file.create_schema(side)
            self.media_engine = create_engine(media_file.side_url(side))
            event.listen(self.media_engine.sync_engine, "before_cursor_execute", _count_statement)
        self.media_session = session_factory(self.media_engine)
        self._batches: dict[str, Grouped[Any, Any]] = {}

    def group_commit(self, what: str, commit: Commit[T]) -> Grouped[T, None]:
        """The group committer of one kind of write (batch.py), made on first use."""
        batch = self._batches.get(what)
        if batch is None:
            batch = self._batches[what] = GroupCommit(what, commit)
        return batch

    async def insert_durably(self, row: Any) -> None:
        """Insert one ORM row; returns once it is durable, in the same transaction as
        every other row inserted this way at the same moment (messages and image rows
        share one commit and one fsync instead of one each)."""

        async def commit(rows: Sequence[Any]) -> None:
            async with self.session() as s:
                s.add_all(rows)
                await s.commit()

        await self.group_commit("inserts", commit).add(row)

    def grouped(self, what: str, run: Run[T, R]) -> Grouped[T, R]:
        """The grouped caller of one kind of read (batch.py): a moment's lookups in one
        query, each caller given its own answer. Made on first use."""
        batch = self._batches.get(what)
        if batch is None:
            batch = self._batches[what] = Grouped(what, run)
        return batch

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def media_apart(self) -> bool:
        """True when the image bytes live outside the main database (SQLite's side file)."""
        return self.media_engine is not self.engine

    async def close(self) -> None:
        if self.media_apart:
            await self.media_engine.dispose()
        await self.engine.dispose()


def is_unavailable(exc: BaseException, depth: int = 0) -> bool:
    """True when ``exc`` means the database cannot be reached (down, restarting, network),
    as opposed to a bug or a constraint: the request may be retried later."""
    from sqlalchemy import exc as sa_exc

    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        return is_unavailable(exc.orig, depth + 1) if exc.orig is not None else False
    if isinstance(exc, OSError | ConnectionError | TimeoutError):
        return True
    # PostgreSQL refusing for now: shutting down, crashed, recovering after a crash
    # ("the database system is starting up", SQLSTATE 57P01-57P03), or a connection error
    # (class 08). SQLAlchemy's adapter keeps asyncpg's error as its cause.
    sqlstate = str(getattr(exc, "sqlstate", None) or "")
    if sqlstate.startswith("08") or sqlstate in UNAVAILABLE_SQLSTATES:
        return True
    # asyncpg's own connection errors (its PostgresConnectionError family)
    if type(exc).__module__.startswith("asyncpg") and "Connection" in type(exc).__name__:
        return True
    cause = exc.__cause__
    return cause is not None and depth < 8 and is_unavailable(cause, depth + 1)


UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
