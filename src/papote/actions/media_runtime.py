"""The parts of the images pipeline a node keeps running: the worker processes that
decode, hash and classify uploads, and the in-memory index of listed hashes.

Uploads are processed in a process pool (spawned, one NudeNet model per worker) so
that decoding a 12-megapixel photo never blocks the event loop that serves chat. The
index loads from the database in the background at start; until it is complete it
answers "not ready" and uploads are refused with ``unavailable`` rather than let
through unchecked. New entries (an import, a protected photo on another node) are
picked up every ``hashlist_refresh_s`` and at once on a ``hashes`` control envelope.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import TYPE_CHECKING

from papote.actions.errors import ActionError
from papote.actions.services import Services
from papote.safety.media.content import Limits
from papote.safety.media.index import HashIndex, ListedHash
from papote.safety.media.nudity import explicit_classes
from papote.settings import Settings
from papote.store import hashlists

if TYPE_CHECKING:
    from papote.safety.media.analysis import Analysis

log = logging.getLogger(__name__)
EXTRA_KEY = "media"


class MediaRuntime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.limits = Limits(
            max_bytes=settings.media_max_bytes,
            max_pixels=settings.media_max_pixels,
            max_side=settings.media_max_side,
        )
        # refused at start, not at the first upload, when a class is misspelt
        self.explicit = explicit_classes(settings.media_explicit_classes)
        self.index = HashIndex(settings.media_match_distance)
        self.last_entry_id = 0
        self._refresh_lock = asyncio.Lock()
        self._pool: ProcessPoolExecutor | None = None  # started at the first upload

    def _new_pool(self) -> ProcessPoolExecutor:
        # imported here: the server process itself never decodes nor classifies
        from papote.safety.media.analysis import init_worker

        return ProcessPoolExecutor(
            max_workers=worker_count(self.settings.media_workers),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(
                self.settings.media_nudity_threshold,
                self.settings.media_worker_nice,
                self.explicit,
                self.settings.media_worker_policy,
            ),
        )

    async def analyse(self, data: bytes, *, hashes_only: bool = False) -> Analysis:
        """Run :func:`analyse` in a worker; a crashed worker is replaced, not fatal."""
        from papote.safety.media.analysis import analyse

        if self._pool is None:
            self._pool = self._new_pool()
        loop = asyncio.get_running_loop()
        job = partial(analyse, data, self.limits, hashes_only=hashes_only)
        try:
            return await loop.run_in_executor(self._pool, job)
        except BrokenProcessPool:
            log.error("image worker died; a new pool starts with the next upload")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            raise ActionError("unavailable", status=503) from None

    async def refresh(self, svc: Services) -> int:
        """Add to the index the entries stored since the last look; returns how many."""
        added = 0
        async with self._refresh_lock:
            while True:
                rows = await hashlists.entries_after(svc.db, self.last_entry_id)
                if not rows:
                    break
                entries = [ListedHash(r.kind, r.value, r.list_name, r.label) for r in rows]
                added += await asyncio.to_thread(self.index.add, entries)
                self.last_entry_id = rows[-1].id
        return added

    async def close(self) -> None:
        """Stop the workers (the job in flight, if any, finishes first)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


def worker_count(configured: int | None) -> int:
    """The configured number of workers, or one per core this process may use but one:
    a worker takes a whole core while it works, the server keeps one for chat."""
    if configured is not None:
        return configured
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) - 1)


def runtime(svc: Services) -> MediaRuntime:
    media: MediaRuntime | None = svc.extras.get(EXTRA_KEY)
    if media is None:
        raise ActionError("unavailable", status=503)
    return media


async def load_hash_lists(svc: Services) -> None:
    """At start: load every listed hash, then open the index to queries."""
    media = runtime(svc)
    try:
        count = await media.refresh(svc)
    except Exception:
        log.exception("hash lists failed to load; uploads stay refused")
        return
    media.index.mark_ready()
    log.info("hash lists loaded", extra={"hashes": count})


async def run_hashlist_refresh(svc: Services) -> None:
    await load_hash_lists(svc)
    media = runtime(svc)
    while True:
        await asyncio.sleep(svc.settings.hashlist_refresh_s)
        try:
            await media.refresh(svc)
            if not media.index.ready:
                media.index.mark_ready()
        except Exception:
            log.exception("hash list refresh failed")


def install(svc: Services) -> MediaRuntime:
    """Create the runtime and listen for ``hashes`` envelopes (new entries elsewhere)."""
    media = MediaRuntime(svc.settings)
    svc.extras[EXTRA_KEY] = media

    def on_hashes(_control: dict[str, object]) -> None:
        task = asyncio.get_running_loop().create_task(media.refresh(svc))
        svc.extras.setdefault("background", set()).add(task)
        task.add_done_callback(svc.extras["background"].discard)

    svc.hub.control_handlers["hashes"] = on_hashes
    return media
