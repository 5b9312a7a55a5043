"""The hot paths' database work, counted by the server's own metric
(``papote_db_statements_total``): a room message is one INSERT, a private message in
an open conversation a few indexed reads and one INSERT."""

from __future__ import annotations

import re

import httpx

from tests.wsclient import Client


def statements(server) -> dict[str, float]:
    text = httpx.get(server.metrics_url).text
    found = re.findall(r'^papote_db_statements_total\{verb="(\w+)"\} ([0-9.e+]+)$', text, re.M)
    return {verb: float(count) for verb, count in found}


def delta(before: dict[str, float], after: dict[str, float]) -> dict[str, int]:
    return {v: int(after[v] - before.get(v, 0)) for v in after if after[v] != before.get(v, 0)}


async def test_statements_per_message(fresh_server):
    fresh_server.env["PAPOTE_HEARTBEAT_S"] = "3600"  # no background statement in between
    server = fresh_server.start()
    alice = await Client.enter(server)
    bob = await Client.enter(server)
    await alice.request({"type": "join", "room": "general"})
    # ordinary lines: this counts statements, not moderation
    await alice.request({"type": "dm", "to": bob.id, "text": "salut, ça va ?"})
    await bob.message("salut, ça va ?")  # published after the conversation is recorded

    before = statements(server)
    ack = await alice.request({"type": "say", "room": "general", "text": "bonjour à tous"})
    assert ack["type"] == "ack"
    assert delta(before, statements(server)) == {"INSERT": 1}

    before = statements(server)
    ack = await alice.request({"type": "dm", "to": bob.id, "text": "et de deux"})
    assert ack["type"] == "ack"
    await bob.message("et de deux")
    spent = delta(before, statements(server))
    assert spent.get("INSERT") == 1
    assert sum(spent.values()) <= 4, spent  # recipient, blocks, conversation, insert
    await alice.close()
    await bob.close()
