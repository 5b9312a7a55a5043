"""``papote moderate`` run as a subprocess, exactly as PROTOCOL.md describes it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def run(lines: list[str], *args: str) -> list[dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-m", "papote.cli", "moderate", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_one_output_line_per_input_line_in_order_and_bad_lines_go_on() -> None:
    out = run(
        [
            json.dumps({"text": "salut tout le monde"}),
            "{not json",
            json.dumps({"text": "sale bougnoule", "channel": "room", "room": "general"}),
            json.dumps({"text": 42}),
            json.dumps(
                {"text": "on se voit ?", "channel": "dm", "sender_age": 40, "recipient_age": 15}
            ),
            json.dumps({"messages": []}),
        ]
    )
    assert len(out) == 6
    assert out[0] == {"verdicts": [{"action": "allow", "categories": [], "score": 0.0}]}
    assert out[1]["error"]["code"] == "bad_input"  # type: ignore[index]
    assert out[2] == {"verdicts": [{"action": "block", "categories": ["hate"], "score": 0.9}]}
    assert out[3]["error"]["code"] == "bad_input"  # type: ignore[index]
    assert out[4]["verdicts"][0]["action"] == "escalate"  # type: ignore[index]
    assert out[5]["error"]["code"] == "bad_input"  # type: ignore[index]


def test_a_conversation_is_judged_with_what_came_before() -> None:
    conversation = {
        "channel": "dm",
        "messages": [
            {"sender": "a", "age": 41, "text": "t'as quel age ?"},
            {"sender": "b", "age": 18, "text": "14"},
            {"sender": "a", "age": 41, "text": "t'es seule chez toi ?"},
        ],
    }
    same_alone = {
        "channel": "dm",
        "messages": [{"sender": "a", "age": 41, "text": "t'es seule chez toi ?"}],
    }
    out = run([json.dumps(conversation), json.dumps(same_alone)])
    verdicts = out[0]["verdicts"]
    assert [v["action"] for v in verdicts] == ["allow", "allow", "escalate"]  # type: ignore[index]
    assert verdicts[2]["categories"] == ["grooming", "child_safety"]  # type: ignore[index]
    # alone, to someone whose age is unknown, it is at most held for a look (the text
    # model may find it close to child safety), never escalated nor read as grooming
    alone = out[1]["verdicts"][0]  # type: ignore[index]
    assert alone["action"] in ("allow", "hold") and "grooming" not in alone["categories"]


def test_explain_adds_the_rule() -> None:
    out = run([json.dumps({"text": "vends beuh 10e le g"})], "--explain")
    verdict = out[0]["verdicts"][0]  # type: ignore[index]
    assert verdict["rule"] == "drugs.sale"
    assert "drogues" in verdict["explanation"]


def test_evaluate_prints_precision_and_recall(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "papote.cli",
            "moderate",
            "--evaluate",
            str(CORPUS / "dev.jsonl"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(proc.stdout)
    assert report["categories"]["child_safety"]["labelled"] > 10
    assert 0.0 <= report["false_positive_rate"] <= 1.0
