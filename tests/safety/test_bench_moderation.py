"""``papote bench moderation`` runs both mixes and reports them with the decode baseline."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import orjson
import pytest

from papote.bench import moderation


def test_bench_reports_both_mixes_with_rate_latency_and_ratio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert moderation.main(["--messages", "2000", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["messages"] == 2000
    assert figures["judged_on"] == "realistic"
    assert set(figures["mixes"]) == {"corpus", "realistic"}
    for mix in figures["mixes"].values():
        assert mix["messages"] == 2000
        assert mix["messages_per_second"] > 0
        assert mix["messages_per_cpu_second"] > 0
        assert 0 < mix["p50_us"] <= mix["p99_us"] <= mix["max_us"]
        assert mix["ratio_to_decode"] > 1
    assert isinstance(figures["target_met"], bool)


def test_realistic_mix_is_mostly_everyday_chat() -> None:
    mix = moderation.realistic_mix(20_000, seed=4)
    assert 0.04 < mix.corpus_share < 0.06
    assert len(set(mix.senders)) > 100
    assert len(moderation.CHAT) >= 250
    assert len(set(moderation.CHAT)) == len(moderation.CHAT)


def test_corpus_mix_is_mostly_corpus_messages() -> None:
    mix = moderation.corpus_mix(5_000, seed=4)
    assert mix.corpus_share > 0.9
    assert set(mix.senders) == {0}


def test_messages_come_from_package_data_that_matches_the_corpus() -> None:
    """The bench reads bench/data (shipped in the wheel), never tests/ at run time."""
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    expected = [
        message["text"]
        for name in ("train.jsonl", "dev.jsonl")
        for raw in (corpus / name).read_bytes().splitlines()
        for message in orjson.loads(raw).get("messages", [orjson.loads(raw)])
    ]
    assert moderation.DATA_FILE.is_relative_to(Path(moderation.__file__).parent)
    assert moderation._corpus_texts() == expected
    assert "tests" not in inspect.getsource(moderation._corpus_texts)
