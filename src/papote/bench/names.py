"""Pseudos for the benchmarks' people: letters only. Digits in a pseudo read as a phone
number, an age or leetspeak to the entry's checks, and random hex can spell an insult."""

from __future__ import annotations

import secrets

# no d, n, p, t: "pd", "ntm", "fdp", "tg" are insults in French chat
_LETTERS = "bcfghjklmqrsvwxy"


def run_tag(length: int = 5) -> str:
    """A random tag of ``length`` letters that spells nothing the filters refuse."""
    return "".join(secrets.choice(_LETTERS) for _ in range(length))
