"""Reading a room asks what joining it asks; private history stays between two people.

The probe's finding: ``join adultes`` was refused to a user who is not a verified
adult, but ``history`` on that room returned its messages and ``who`` listed its
members. Here a non-verified user walks every frame type of the command table
against the ``adultes`` room and its people, and must learn nothing of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from papote.api.commands import COMMANDS
from tests.ageissuer import issue, make_key, server_trusting
from tests.serverproc import ServerProcess
from tests.wsclient import Client, enter

ISSUER = "access-issuer"
SECRET = "message réservé aux adultes vérifiés"


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    return make_key(tmp_path_factory.mktemp("issuer"))


@pytest.fixture(scope="module")
def age_server(keys: Path) -> Iterator[ServerProcess]:
    server = server_trusting(keys, ISSUER)
    yield server
    server.stop()


async def _verified_adult(server: ServerProcess, keys: Path) -> Client:
    session = await enter(server.url)
    auth = {"authorization": f"Bearer {session['token']}"}
    nonce = httpx.post(f"{server.url}/api/v1/age/nonce", headers=auth).json()["nonce"]
    r = httpx.post(
        f"{server.url}/api/v1/age/verify",
        headers=auth,
        json={"attestation": issue(keys, ISSUER, nonce), "nonce": nonce},
    )
    assert r.status_code == 200 and r.json()["verified_adult"] is True, r.text
    return await Client.connect(server.ws_url, session)


def _walk(adult_id: str, message_id: str) -> dict[str, list[dict]]:
    """Every frame type, aimed at the adult room or its member where it can be."""
    room = "adultes"
    return {
        "join": [{"room": room}],
        "leave": [{"room": room}],
        "say": [{"room": room, "text": "je m'invite"}],
        "dm": [{"to": adult_id, "text": "bonjour"}],
        "history": [{"room": room}, {"room": room, "before": "zzzzzzzzzzzzzzzzzzzzzzzzzz"}],
        "who": [{"room": room}, {"room": room, "gender": "homme"}],
        "typing": [{"room": room}, {"to": adult_id}],
        "block": [{"user": adult_id}],
        "unblock": [{"user": adult_id}],
        "report": [
            {"message": message_id, "reason": "other"},
            {"user": adult_id, "reason": "spam"},
        ],
        "prefs": [{"dm": {"accept": "all"}}],
        "ping": [{}],
    }


async def test_every_frame_of_a_non_verified_user_reveals_nothing_of_the_adult_room(
    age_server, keys
):
    adult = await _verified_adult(age_server, keys)
    assert (await adult.request({"type": "join", "room": "adultes"}))["type"] == "joined"
    ack = await adult.request({"type": "say", "room": "adultes", "text": SECRET})
    assert ack["type"] == "ack"
    outsider = await Client.enter(age_server)
    walk = _walk(adult.id, ack["message"]["id"])
    assert set(walk) == set(COMMANDS), "a frame type is missing from the walk"

    replies = {}
    for kind, variants in walk.items():
        for fields in variants:
            if kind == "typing" and "to" in fields:  # no reply, by the protocol
                await outsider.send({"type": kind, **fields})
                continue
            replies[(kind, json.dumps(fields))] = await outsider.request({"type": kind, **fields})
    await adult.send({"type": "typing", "room": "adultes"})
    await adult.request({"type": "say", "room": "adultes", "text": SECRET + " (bis)"})
    await outsider.settle(0.5)

    for (kind, fields), reply in replies.items():
        if "adultes" in fields and kind in ("join", "history", "who", "typing"):
            assert reply["type"] == "error" and reply["code"] == "adult_room", (kind, reply)
    say = replies[("say", json.dumps(walk["say"][0]))]
    assert say["type"] in ("error", "rejected") and say["code"] == "adult_room", say
    everything = json.dumps(outsider.frames, ensure_ascii=False)
    assert SECRET not in everything  # no history, no message, no evidence
    member_lists = [f for f in outsider.frames if f["type"] in ("users", "joined")]
    assert all(adult.id not in json.dumps(f) for f in member_lists)
    assert not [f for f in outsider.frames if f["type"] in ("typing", "member_joined")]
    await outsider.close()
    await adult.close()


async def test_private_history_only_between_its_participants(age_server):
    alice = await Client.enter(age_server)
    bob = await Client.enter(age_server)
    eve = await Client.enter(age_server)
    await alice.request({"type": "dm", "to": bob.id, "text": "entre nous deux"})
    await bob.message("entre nous deux")
    mine = await bob.request({"type": "history", "with": alice.id})
    assert [m["text"] for m in mine["messages"]] == ["entre nous deux"]
    for other in (alice.id, bob.id):
        peek = await eve.request({"type": "history", "with": other})
        assert peek["type"] == "history" and peek["messages"] == []
    for c in (alice, bob, eve):
        await c.close()
