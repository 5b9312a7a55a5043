"""``papote bench moderation`` runs and reports its figures with the decode baseline."""

from __future__ import annotations

import json

import pytest

from papote.bench import moderation


def test_bench_reports_rate_latency_and_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    assert moderation.main(["--messages", "2000", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["messages"] == 2000
    assert figures["messages_per_second"] > 0
    assert 0 < figures["p50_us"] <= figures["p99_us"] <= figures["max_us"]
    assert figures["ratio_to_decode"] > 1
