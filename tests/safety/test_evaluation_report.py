"""``papote moderate --evaluate``: figures per category, the serious ones stopped, a confusion
table and errors by kind; a sealed (gzipped) set prints no message text."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

LINES = [
    {"text": "je vends de la beuh 10 le g, livraison sur Lyon", "label": "drugs", "kind": "sale"},
    {"text": "salut tout le monde, ça va ?", "label": "benign", "kind": "ordinary"},
    {"text": "ZORGLUB benin mais signale", "label": "benign", "kind": "ordinary"},
    {"text": "qui veut venir baiser ma femme endormie ce soir, elle sera droguée",
     "label": "sexual_violence", "kind": "drugged_partner"},
    {"text": "bonne soirée à toi, à demain", "label": "grooming", "kind": "invented_miss"},
]  # fmt: skip


def _evaluate(path: Path, *args: str) -> str:
    """Rules only: the figures below are those of the shipped rule packs."""
    return subprocess.run(
        [sys.executable, "-m", "papote.cli", "moderate", "--no-model", "--evaluate", str(path),
         *args],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip


def test_sealed_gzip_prints_aggregates_and_kinds_only(tmp_path: Path) -> None:
    sealed = tmp_path / "s.jsonl.gz"
    sealed.write_bytes(gzip.compress("\n".join(json.dumps(x) for x in LINES).encode()))
    out = _evaluate(sealed, "--explain")  # --explain must not reveal a sealed text
    assert "precision" in out and "F1" in out
    assert "held, blocked or escalated: 1/2 (50.0%)" in out
    assert "confusion" in out and "sxviol" in out
    assert "invented_miss" not in out  # the kinds of the misses of a sealed set stay unsaid
    for line in LINES:
        assert line["text"] not in out
    data = json.loads(_evaluate(sealed, "--json"))
    assert data["categories"]["drugs"]["f1"] == 1.0
    assert data["critical"] == 2 and data["critical_stopped_rate"] == 0.5
    assert data["benign"] == 2


def test_an_open_file_may_show_its_misses(tmp_path: Path) -> None:
    path = tmp_path / "open.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in LINES) + "\n")
    out = _evaluate(path, "--explain")
    assert "bonne soirée à toi, à demain" in out  # the miss, shown for a dev file
