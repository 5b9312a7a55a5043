"""``papote bench media``: the images pipeline, stage by stage, and its effect on chat.

1. **Stages**: a generated 12-megapixel JPEG (4000x3000, photo-like, ~2-4 MB) goes
   through :func:`papote.safety.media.analysis.analyse` ``--runs`` times in this
   process (the nudity model loaded once, as in a worker): p50/p95 of decode (with EXIF
   orientation), hash (PDQ + MD5 + SHA-256), re-encode (JPEG at most 2048 px + blurred
   variant) and classify (NudeNet 320n), the total, and images per second per worker.
2. **Index**: ``--index-size`` random PDQ hashes (default a million) in the
   faiss index; build time, then p50/p95 of queries at distance <= 31 (half near a
   listed hash, half random), checked against a full scan on a sample.
3. **Chat under uploads**: a real server; ``--senders`` people each send ``--messages``
   room messages at a human pace and the ``ack`` latency is measured, first alone
   (baseline), then while ``--uploaders`` clients (in a process of their own) upload
   the 12-megapixel photo back to back; ``--rounds`` alternates the two phases,
   pooling the latencies. Reports p50/p99 of both and their ratio (target: p99 within
   20 %).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import orjson

from papote.bench.load import BenchClient, Totals, _connect, _enter
from papote.bench.names import run_tag
from papote.bench.server import RELAXED_LIMITS, ServerProcess


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def photo_12mp(seed: int = 1) -> bytes:
    """A photo-like 4000x3000 JPEG: gradients, shapes and fine grain (like sensor noise)."""
    import io

    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng(seed)
    width, height = 4000, 3000
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    base = np.stack([120 + 100 * y + 0 * x, 90 + 120 * x * y, 200 - 120 * y + 0 * x], axis=2)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(120):
        cx, cy = int(rng.integers(0, width)), int(rng.integers(0, height))
        r = int(rng.integers(30, 400))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(2))
    grain = rng.normal(0, 6, (height, width, 1)).astype(np.float32)
    noisy = np.clip(np.asarray(image, dtype=np.float32) + grain, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(noisy).save(out, "JPEG", quality=88)
    return out.getvalue()


def bench_stages(data: bytes, runs: int) -> dict[str, Any]:
    from papote.safety.media.analysis import analyse, init_worker
    from papote.safety.media.content import Limits

    start = time.perf_counter()
    init_worker(0.5, niceness=0, policy="normal")  # this process measures chat after
    load_ms = (time.perf_counter() - start) * 1000
    analyse(data, Limits())  # warm-up (first inference allocates)
    per_stage: dict[str, list[float]] = {}
    totals: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        cpu_start = time.process_time()
        result = analyse(data, Limits())
        cpu.append((time.process_time() - cpu_start) * 1000)
        if result.refused:
            raise RuntimeError(f"the benchmark photo was refused: {result.refused}")
        for stage, ms in result.timings_ms.items():
            per_stage.setdefault(stage, []).append(ms)
        totals.append(sum(result.timings_ms.values()))
    return {
        "photo_bytes": len(data),
        "model_load_ms": round(load_ms, 1),
        "stages_ms": {
            stage: {"p50": _pct(v, 0.5), "p95": _pct(v, 0.95)} for stage, v in per_stage.items()
        },
        "total_ms": {"p50": _pct(totals, 0.5), "p95": _pct(totals, 0.95)},
        # CPU time of this process per image: the work itself, whatever else runs
        "cpu_ms": {"p50": _pct(cpu, 0.5), "p95": _pct(cpu, 0.95)},
        "images_per_second_per_worker": round(1000 / statistics.mean(totals), 2),
    }


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def bench_index(size: int, queries: int, compare_mih: bool = False) -> dict[str, Any]:
    from papote.safety.media.index import HashIndex, ListedHash
    from papote.safety.media.signals import pdq_distance

    rng = random.Random(5)
    listed = [f"{rng.getrandbits(256):064x}" for _ in range(size)]
    entries = [ListedHash("pdq", h, "bench", "child_safety") for h in listed]
    rss_before = _rss_mib()
    index = HashIndex()
    start = time.perf_counter()
    index.add(entries)
    build_s = time.perf_counter() - start
    rss_after = _rss_mib()
    index.mark_ready()
    asked = []
    for i in range(queries):
        if i % 2:
            value = int(rng.choice(listed), 16)
            for bit in rng.sample(range(256), rng.randint(0, 31)):
                value ^= 1 << bit
            asked.append(f"{value:064x}")
        else:
            asked.append(f"{rng.getrandbits(256):064x}")
    times: list[float] = []
    found = 0
    for query in asked:
        t0 = time.perf_counter()
        found += bool(index.query(pdqs=[query]))
        times.append((time.perf_counter() - t0) * 1e6)
    sample = asked[1:40:2]  # exactness on a sample: a full scan must agree
    for query in sample:
        expected = {h for h in listed if pdq_distance(h, query) <= 31}
        if {m.entry.value for m in index.query(pdqs=[query])} != expected:
            raise RuntimeError("the index disagrees with a full scan")
    figures: dict[str, Any] = {
        "hashes": size,
        "build_s": round(build_s, 2),
        "index_mib": round(rss_after - rss_before, 1),  # faiss tables + positions
        "query_us": {"p50": _pct(times, 0.5), "p95": _pct(times, 0.95)},
        "queries_with_a_match": found,
        "queries": queries,
    }
    if compare_mih:
        figures["multi_index_hashing"] = _bench_mih(listed, asked)
    return figures


def _bench_mih(listed: list[str], asked: list[str]) -> dict[str, Any]:
    """The same hashes and queries in faiss's multi-index hashing (16 chunks of 16 bits,
    one flipped bit: exact up to 31), for comparison with the exhaustive index."""
    import faiss
    import numpy as np

    rss_before = _rss_mib()
    index = faiss.IndexBinaryMultiHash(256, 16, 16)
    index.nflip = 1
    start = time.perf_counter()
    index.add(np.frombuffer(bytes.fromhex("".join(listed)), dtype=np.uint8).reshape(-1, 32))
    build_s = time.perf_counter() - start
    times: list[float] = []
    for query in asked:
        vector = np.frombuffer(bytes.fromhex(query), dtype=np.uint8).reshape(1, 32)
        t0 = time.perf_counter()
        index.range_search(vector, 32)
        times.append((time.perf_counter() - t0) * 1e6)
    return {
        "build_s": round(build_s, 2),
        "index_mib": round(_rss_mib() - rss_before, 1),
        "query_us": {"p50": _pct(times, 0.5), "p95": _pct(times, 0.95)},
    }


async def _enter_as(http: httpx.AsyncClient, prefix: str) -> dict[str, Any]:
    """A session whose pseudo starts with ``prefix``: random hex read as leetspeak can
    spell a word the pseudo filter refuses, so a refused pseudo is drawn again."""
    for _ in range(5):
        try:
            return await _enter(http, f"{prefix}{run_tag(6)}"[:20])
        except RuntimeError as refused:
            if "pseudo_refused" not in str(refused):
                raise
    raise RuntimeError("five pseudos refused in a row")


async def _chat_phase(
    server: ServerProcess, senders: int, messages: int, gap_s: float
) -> tuple[list[float], int]:
    totals = Totals()
    run = run_tag(5)
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        sessions = [await _enter_as(http, f"m{run}{i}") for i in range(senders)]
    clients: list[BenchClient] = [await _connect(server, s, totals, False) for s in sessions]
    latencies: list[float] = []
    refused = 0

    async def one(index: int, client: BenchClient) -> None:
        nonlocal refused
        await asyncio.sleep(gap_s * index / senders)  # spread the senders over the gap
        for i in range(messages):
            frame = {"type": "say", "room": "general", "text": f"message {i} de {index}"}
            t0 = time.perf_counter()
            reply = await client.request(frame, f"s{index}-{i}", 30)
            if reply["type"] == "ack":
                latencies.append((time.perf_counter() - t0) * 1000)
            else:
                refused += 1
            await asyncio.sleep(gap_s)

    try:
        await asyncio.gather(*(one(i, c) for i, c in enumerate(clients)))
    finally:
        for client in clients:
            await client.close()
    return latencies, refused


def _upload_headers(session: dict[str, Any]) -> dict[str, str]:
    """The photo as the page sends it: the raw file as the body."""
    return {"authorization": f"Bearer {session['token']}", "content-type": "image/jpeg"}


async def _upload_loop(url: str, data: bytes, stop: asyncio.Event) -> list[float]:
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        session = await _enter_as(http, "up")
        headers = _upload_headers(session)
        times: list[float] = []
        while not stop.is_set():
            t0 = time.perf_counter()
            response = await http.post("/api/v1/media", headers=headers, content=data)
            if response.status_code != 201:
                raise RuntimeError(f"upload refused: {response.text}")
            times.append((time.perf_counter() - t0) * 1000)
        return times


def uploads_main(url: str, photo_path: str, clients: int) -> None:
    """Run by a child process of the benchmark: ``clients`` upload the photo back to
    back until standard input closes, then the upload times are printed as JSON. Apart
    from the chat clients: the time spent sending photos is not counted in the chat
    latencies (people's phones are other machines)."""
    with open(photo_path, "rb") as file:
        data = file.read()

    async def run() -> list[float]:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def wait_for_eof() -> None:
            sys.stdin.read()
            loop.call_soon_threadsafe(stop.set)

        threading.Thread(target=wait_for_eof, daemon=True).start()
        print("started", flush=True)
        loops = await asyncio.gather(*(_upload_loop(url, data, stop) for _ in range(clients)))
        return [t for times in loops for t in times]

    print(orjson.dumps(asyncio.run(run())).decode(), flush=True)


_UPLOADS_CHILD = (
    "import sys; from papote.bench.media import uploads_main; "
    "uploads_main(sys.argv[1], sys.argv[2], int(sys.argv[3]))"
)


class _Uploaders:
    """The child process that uploads while chat is measured."""

    def __init__(self, url: str, photo_path: str, clients: int) -> None:
        self.args = (url, photo_path, str(clients))
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _UPLOADS_CHILD,
            *self.args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        if self.proc.stdout is None or await self.proc.stdout.readline() != b"started\n":
            raise RuntimeError("the upload process did not start")

    async def stop(self) -> list[float]:
        if self.proc is None or self.proc.stdin is None or self.proc.stdout is None:
            return []
        self.proc.stdin.close()
        out = await self.proc.stdout.read()
        if await self.proc.wait() != 0:
            raise RuntimeError("the upload process failed")
        times: list[float] = orjson.loads(out.strip().splitlines()[-1])
        return times


async def bench_chat(args: argparse.Namespace, data: bytes) -> dict[str, Any]:
    env = {
        **RELAXED_LIMITS,
        "PAPOTE_RATE_MEDIA": "100000/minute",
        "PAPOTE_RATE_MEDIA_DAY": "100000/day",
        "PAPOTE_MEDIA_WORKERS": str(args.workers),
    }
    server = ServerProcess(env).start(timeout=180)
    photo_path = str(Path(server.data_dir) / "bench-photo.jpg")
    Path(photo_path).write_bytes(data)
    try:
        # warm the worker pool (model load) outside the measurement
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as http:
            session = await _enter_as(http, "warm")
            await http.post("/api/v1/media", headers=_upload_headers(session), content=data)
        # Phases alternate (alone, with uploads, alone, ...) so that a change in the rest
        # of the machine's load falls on both sides; the latencies are pooled.
        baseline: list[float] = []
        loaded: list[float] = []
        upload_ms: list[float] = []
        refused = 0
        cpu_baseline = cpu_loaded = 0.0
        ratios: list[float | None] = []
        for _ in range(args.rounds):
            cpu_start = server.cpu_seconds()
            alone, refused_a = await _chat_phase(server, args.senders, args.messages, args.gap)
            cpu_baseline += server.cpu_seconds() - cpu_start
            uploaders = _Uploaders(server.url, photo_path, args.uploaders)
            await uploaders.start()
            await asyncio.sleep(1.0)  # the uploads are under way
            cpu_start = server.cpu_seconds()
            busy, refused_b = await _chat_phase(server, args.senders, args.messages, args.gap)
            cpu_loaded += server.cpu_seconds() - cpu_start
            upload_ms += await uploaders.stop()
            baseline += alone
            loaded += busy
            refused += refused_a + refused_b
            p99_alone = _pct(alone, 0.99)
            ratios.append(round(_pct(busy, 0.99) / p99_alone, 3) if p99_alone else None)
    finally:
        server.stop()
    p99_a, p99_b = _pct(baseline, 0.99), _pct(loaded, 0.99)
    return {
        "senders": args.senders,
        "messages_each": args.messages,
        "uploaders": args.uploaders,
        "workers": args.workers,
        "rounds": args.rounds,
        "baseline_ack_ms": {"p50": _pct(baseline, 0.5), "p99": p99_a, "n": len(baseline)},
        "during_uploads_ack_ms": {"p50": _pct(loaded, 0.5), "p99": p99_b, "n": len(loaded)},
        "p99_ratio": round(p99_b / p99_a, 3) if p99_a else None,
        "p99_ratio_per_round": ratios,
        "uploads_done": len(upload_ms),
        "upload_ms": {"p50": _pct(upload_ms, 0.5), "p95": _pct(upload_ms, 0.95)}
        if upload_ms
        else {},
        "refused_messages": refused,
        # CPU of the server process itself (not its workers) per upload: what the event
        # loop pays to receive, hand over and store an image
        "server_cpu_ms_per_upload": round(1000 * (cpu_loaded - cpu_baseline) / len(upload_ms), 1)
        if upload_ms
        else None,
    }


def _print(figures: dict[str, Any]) -> None:
    stages = figures["stages"]
    print(f"12 MP photo, {stages['photo_bytes'] / 1e6:.1f} MB JPEG")
    for stage, v in stages["stages_ms"].items():
        print(f"  {stage:<9} p50 {v['p50']:>7.1f} ms   p95 {v['p95']:>7.1f} ms")
    total = stages["total_ms"]
    print(f"  {'total':<9} p50 {total['p50']:>7.1f} ms   p95 {total['p95']:>7.1f} ms")
    cpu = stages["cpu_ms"]
    print(f"  CPU time  p50 {cpu['p50']:>7.1f} ms   p95 {cpu['p95']:>7.1f} ms")
    print(f"  {stages['images_per_second_per_worker']} images/s per worker")
    index = figures["index"]
    print(
        f"index of {index['hashes']} PDQ hashes: built in {index['build_s']} s "
        f"(+{index['index_mib']} MiB), query "
        f"p50 {index['query_us']['p50']} µs, p95 {index['query_us']['p95']} µs"
    )
    mih = index.get("multi_index_hashing")
    if mih:
        print(
            f"  multi-index hashing, same hashes: built in {mih['build_s']} s "
            f"(+{mih['index_mib']} MiB), query p50 {mih['query_us']['p50']} µs, "
            f"p95 {mih['query_us']['p95']} µs"
        )
    chat = figures.get("chat")
    if chat:
        a, b = chat["baseline_ack_ms"], chat["during_uploads_ack_ms"]
        print(f"chat ack alone        p50 {a['p50']} ms  p99 {a['p99']} ms  (n={a['n']})")
        print(f"chat ack with uploads p50 {b['p50']} ms  p99 {b['p99']} ms  (n={b['n']})")
        print(
            f"  p99 ratio {chat['p99_ratio']} (per round {chat['p99_ratio_per_round']}); "
            f"{chat['uploads_done']} uploads meanwhile, p50 {chat['upload_ms'].get('p50')} ms"
        )
        print(f"  server process CPU per upload: {chat['server_cpu_ms_per_upload']} ms")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote bench media", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="photos through the stages")
    parser.add_argument("--index-size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--messages", type=int, default=7, help="per sender (spam rule: < 8)")
    parser.add_argument(
        "--gap", type=float, default=1.0, help="seconds between a sender's messages"
    )
    parser.add_argument("--uploaders", type=int, default=2)
    parser.add_argument(
        "--rounds", type=int, default=1, help="alternations of chat alone / with uploads"
    )
    parser.add_argument("--workers", type=int, default=1, help="PAPOTE_MEDIA_WORKERS")
    parser.add_argument("--compare-mih", action="store_true", help="also multi-index hashing")
    parser.add_argument("--skip-chat", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(list(argv))
    if min(args.runs, args.index_size, args.queries, args.senders, args.messages, args.rounds) < 1:
        parser.error("sizes must be positive")
    data = photo_12mp()
    figures: dict[str, Any] = {
        "stages": bench_stages(data, args.runs),
        "index": bench_index(args.index_size, args.queries, args.compare_mih),
    }
    if not args.skip_chat:
        figures["chat"] = asyncio.run(bench_chat(args, data))
    if args.json:
        print(orjson.dumps(figures).decode())
    else:
        _print(figures)
    sys.stdout.flush()
    return 0
