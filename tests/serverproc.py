"""Real server processes for tests (the same helper the benchmarks use)."""

from __future__ import annotations

from pathlib import Path

from papote.bench.server import RELAXED_LIMITS, ServerProcess, free_port

ROOT = Path(__file__).resolve().parents[1]
PAPOTE = ROOT / ".venv" / "bin" / "papote"

# Relaxed rate limits, test mode, and a short presence linger so departures show quickly.
RELAXED = {**RELAXED_LIMITS, "PAPOTE_ENV": "test", "PAPOTE_PRESENCE_LINGER_S": "0.5"}

__all__ = ["PAPOTE", "RELAXED", "ROOT", "ServerProcess", "free_port"]
