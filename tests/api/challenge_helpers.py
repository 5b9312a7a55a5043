"""Solving the entry challenge as the page does, for tests (the ALTCHA server library)."""

from __future__ import annotations

import altcha
import httpx

from tests.serverproc import ServerProcess

# What a browser sends with every request (a program sends less, and is challenged).
BROWSER = {
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36",
    "accept-language": "fr-FR,fr;q=0.9",
}


def solve(server: ServerProcess) -> str:
    """Fetch a challenge from the server and answer it: the ``altcha`` field of an entry."""
    challenge = altcha.Challenge.from_dict(httpx.get(f"{server.url}/api/v1/challenge").json())
    solution = altcha.solve_challenge(challenge, timeout=60)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()
