"""Everything an upload needs computed, in one call made in a worker process.

``analyse`` takes the uploaded bytes and returns the clean image, its fingerprints and
the nudity classification, or the refusal code; each stage is timed (the benchmark
reports them). The detector is loaded once per worker by :func:`init_worker`.

A photo is decoded once (large JPEGs at a reduced scale by libjpeg), and reduced once
more to at most 1024 px, a copy that both PDQ and the nudity model (which works at
320 px) read; the full decoded image is only re-encoded.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from dataclasses import dataclass, field

from papote.safety.media.content import (
    CleanImage,
    ImageRefused,
    Limits,
    decode,
    orient,
    reencode,
    shrink,
)
from papote.safety.media.nudity import EXPLICIT_CLASSES, Classification, NudityDetector
from papote.safety.media.signals import PDQ_MAX_SIDE, Fingerprints, fingerprint

_detector: NudityDetector | None = None


def init_worker(
    threshold: float,
    niceness: int = 5,
    explicit: frozenset[str] = EXPLICIT_CLASSES,
    policy: str = "idle",
) -> None:
    """Process-pool initializer: load the nudity model once for this worker, and make
    the worker give way to chat (:func:`yield_cpu`). The worker computes on one
    thread: OpenCV's pool would take the other cores from chat."""
    global _detector
    _die_with_parent()
    yield_cpu(policy, niceness)
    import cv2

    cv2.setNumThreads(1)
    _detector = NudityDetector(threshold, explicit)


def yield_cpu(policy: str, niceness: int) -> str:
    """Lower this process's claim on the CPU; returns the policy in force.

    ``idle`` (Linux ``SCHED_IDLE``): the worker runs only on CPU time no ordinary
    process of the server's wants, and a chat request that wakes up preempts it at
    once, where a niced process keeps the core until the scheduler's next decision.
    ``batch`` (``SCHED_BATCH``, with ``niceness``): never preempts on wake-up, a small
    share. ``normal``: ``niceness`` only. An unprivileged process may always move to
    these; where the system refuses (not Linux), niceness is the fallback."""
    wanted = {"idle": "SCHED_IDLE", "batch": "SCHED_BATCH"}.get(policy)
    if niceness:
        os.nice(niceness)
    if wanted is None or not hasattr(os, wanted):
        return "normal"
    try:
        os.sched_setscheduler(0, getattr(os, wanted), os.sched_param(0))
    except OSError:
        return "normal"
    return policy


def _die_with_parent() -> None:
    """Linux: the kernel ends this worker when the server process dies (even on
    SIGKILL), so no orphan keeps the model in memory."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def detector() -> NudityDetector:
    if _detector is None:
        raise RuntimeError("init_worker was not called in this process")
    return _detector


@dataclass(frozen=True, slots=True)
class Analysis:
    refused: str | None = None  # protocol error code when the upload is not an image we take
    detail: str = ""
    fingerprints: Fingerprints | None = None
    image: CleanImage | None = None  # None when only hashes were asked for
    nudity: Classification | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def analyse(data: bytes, limits: Limits, *, hashes_only: bool = False) -> Analysis:
    """Decode, orient, fingerprint, then (unless ``hashes_only``) re-encode and classify."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    try:
        upright = orient(decode(data, limits))
    except ImageRefused as refused:
        return Analysis(refused=refused.code, detail=refused.detail)
    timings["decode"] = _ms(start)
    start = time.perf_counter()
    small = shrink(upright, PDQ_MAX_SIDE)  # read by PDQ and by the nudity model
    prints = fingerprint(data, small)
    timings["hash"] = _ms(start)
    if hashes_only:
        return Analysis(fingerprints=prints, timings_ms=timings)
    start = time.perf_counter()
    clean = reencode(upright, limits)
    timings["reencode"] = _ms(start)
    start = time.perf_counter()
    nudity = detector().classify(small)
    timings["classify"] = _ms(start)
    return Analysis(fingerprints=prints, image=clean, nudity=nudity, timings_ms=timings)
