"""Smoke test of ``papote bench media``: tiny sizes, a real server, no timing asserted."""

from __future__ import annotations

from tests.bench.test_bench_smoke import _bench


def test_media_bench_reports_every_stage_the_index_and_chat_under_uploads() -> None:
    figures = _bench(
        "media",
        *("--runs", "2", "--index-size", "3000", "--queries", "40"),
        *("--senders", "2", "--messages", "2", "--gap", "0.1", "--uploaders", "1"),
        *("--rounds", "2"),
        timeout=600,
    )
    stages = figures["stages"]
    assert set(stages["stages_ms"]) == {"decode", "hash", "reencode", "classify"}
    assert stages["photo_bytes"] > 1_000_000  # a real 12-megapixel JPEG
    assert stages["total_ms"]["p95"] > 0 and stages["images_per_second_per_worker"] > 0
    assert 0 < stages["cpu_ms"]["p50"] <= stages["cpu_ms"]["p95"]
    index = figures["index"]
    assert index["hashes"] == 3000 and index["queries_with_a_match"] >= 20  # half are near
    chat = figures["chat"]
    # two rounds of 2 senders x 2 messages on each side
    assert chat["baseline_ack_ms"]["n"] == 8 and chat["during_uploads_ack_ms"]["n"] == 8
    assert len(chat["p99_ratio_per_round"]) == 2
    # the uploads ran (in their own process) during both measured phases
    assert chat["uploads_done"] >= 2 and chat["refused_messages"] == 0
