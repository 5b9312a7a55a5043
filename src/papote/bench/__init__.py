"""``papote bench NAME``: benchmarks that print figures with a same-run baseline."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

BENCHES = {
    "moderation": "papote.bench.moderation",
    "fanout": "papote.bench.fanout",
    "load": "papote.bench.load",
    "soak": "papote.bench.soak",
    "media": "papote.bench.media",
    "console": "papote.bench.console",
    "flood": "papote.bench.flood",
    "limits": "papote.bench.limits",
    "chat": "papote.bench.chat",
}


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in BENCHES:
        print(f"usage: papote bench {{{'|'.join(BENCHES)}}} [options]", file=sys.stderr)
        return 2
    module = importlib.import_module(BENCHES[argv[0]])
    result: int = module.main(list(argv[1:]))
    return result
