"""Explicit images over the real protocol, judged by the real NudeNet model: refused in
ordinary rooms, blurred for every recipient, shown in clear only to verified adults,
never delivered to a possible minor; and the per-person daily upload quota.

The tests hold no explicit picture: the server is told that a face is "explicit"
(``PAPOTE_MEDIA_EXPLICIT_CLASSES=FACE_FEMALE``) and the upload is a real portrait
photograph (tests/data/README.md) in which the model finds a face. Everything after the
detector's output is the path an explicit photo takes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ageissuer import make_key, verify_adult
from tests.images import encode, photo
from tests.mediaclient import fetch, query, upload, uploaded
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import Client

ISSUER = "explicit-test-issuer"
PORTRAIT = (Path(__file__).parent.parent / "data" / "portrait.jpg").read_bytes()


@pytest.fixture(scope="module")
def issuer_key(tmp_path_factory) -> Path:
    return make_key(tmp_path_factory.mktemp("issuer"))


@pytest.fixture(scope="module")
def server(issuer_key) -> Iterator[ServerProcess]:
    from tests.ageissuer import _papote

    public = _papote("age-attest", "pubkey", "--key", str(issuer_key))
    env = {
        **RELAXED,
        "PAPOTE_RATE_MEDIA": "1000/minute",
        "PAPOTE_RATE_MEDIA_DAY": "4/day",
        "PAPOTE_MEDIA_EXPLICIT_CLASSES": "FACE_FEMALE",
        "PAPOTE_AGE_ISSUERS": json.dumps({ISSUER: public}),
    }
    process = ServerProcess(env).start(timeout=120)
    yield process
    process.stop()


async def _verified(server: ServerProcess, key: Path) -> Client:
    client = await Client.enter(server)
    verify_adult(server, key, ISSUER, client.session["token"])
    return client


async def test_an_explicit_image_stays_out_of_ordinary_rooms_and_is_blurred_for_all(
    server, issuer_key
):
    alice = await _verified(server, issuer_key)
    vera = await _verified(server, issuer_key)  # a verified adult
    dan = await Client.enter(server)  # an adult who has not proved it
    media = uploaded(server, alice.session["token"], PORTRAIT)
    assert media["blurred"] is True  # judged explicit at upload
    row = query(
        server, "SELECT explicit, model, nudity_labels FROM media WHERE id = ?", media["id"]
    )
    explicit, model, labels = row[0]
    assert explicit == 1 and model.startswith("nudenet-320n 3.4.") and "FACE_FEMALE" in labels
    # the same server takes an ordinary photo as it is (the model found no face)
    assert uploaded(server, dan.session["token"], encode(photo(seed=61)))["blurred"] is False

    # not in an ordinary room
    await alice.request({"type": "join", "room": "general"})
    refused = await alice.request(
        {"type": "say", "room": "general", "text": "", "media": media["id"]}
    )
    assert refused["type"] == "rejected" and refused["code"] == "explicit_media", refused

    # in the adult room: blurred for the other members; the verified adult may see it
    for client in (alice, vera):
        assert (await client.request({"type": "join", "room": "adultes"}))["type"] == "joined"
    ack = await alice.request({"type": "say", "room": "adultes", "text": "", "media": media["id"]})
    assert ack["type"] == "ack" and ack["message"]["media"]["blurred"] is False  # the sender
    seen = await vera.wait_for(
        lambda f: f["type"] == "message" and (f["message"]["media"] or {}).get("id") == media["id"]
    )
    assert seen["message"]["media"]["blurred"] is True
    assert fetch(server, vera.session["token"], media["id"], full=True).status_code == 200
    # who joins later finds it blurred in the room's history
    walt = await _verified(server, issuer_key)
    joined = await walt.request({"type": "join", "room": "adultes"})
    shown = [m["media"] for m in joined["history"] if (m["media"] or {}).get("id") == media["id"]]
    assert shown and shown[0]["blurred"] is True

    # in private: blurred even once the recipient has answered; clear only once verified
    await alice.request({"type": "dm", "to": dan.id, "text": "regarde", "media": media["id"]})
    assert (await dan.message("regarde"))["media"]["blurred"] is True
    await dan.request({"type": "dm", "to": alice.id, "text": "je ne vois rien"})
    history = await dan.request({"type": "history", "with": alice.id})
    assert [m["media"]["blurred"] for m in history["messages"] if m["media"]] == [True]
    blurred = fetch(server, dan.session["token"], media["id"], full=False)
    assert blurred.status_code == 200 and blurred.headers["x-papote-variant"] == "blurred"
    refused = fetch(server, dan.session["token"], media["id"], full=True)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "unblur_forbidden"
    verify_adult(server, issuer_key, ISSUER, dan.session["token"])
    assert fetch(server, dan.session["token"], media["id"], full=True).status_code == 200
    for client in (alice, vera, dan, walt):
        await client.close()


async def test_an_explicit_image_never_reaches_a_possible_minor(server, issuer_key):
    alice = await _verified(server, issuer_key)
    rose = await Client.enter(server, age=19)
    await rose.request({"type": "dm", "to": alice.id, "text": "salut"})  # a conversation
    media = uploaded(server, alice.session["token"], PORTRAIT)
    ordinary = uploaded(server, alice.session["token"], encode(photo(seed=62)))
    sent = await alice.request({"type": "dm", "to": rose.id, "text": "tiens", "media": media["id"]})
    assert sent["type"] == "ack"  # rose is taken for an adult so far: blurred, not refused
    assert (await rose.message("tiens"))["media"]["blurred"] is True

    # rose says she is 14: flagged as possibly a minor
    await rose.request({"type": "join", "room": "general"})
    await rose.request({"type": "say", "room": "general", "text": "mais j'ai 14 ans"})
    # the help notice goes out once the flag is stored
    await rose.wait_for(lambda f: f["type"] == "notice" and f.get("key") == "minor_help", 10)
    # the explicit image she was sent no longer exists for her, in any variant
    for full in (False, True):
        gone = fetch(server, rose.session["token"], media["id"], full=full)
        assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    # a new one is refused before it reaches her; an ordinary photo still goes
    refused = await alice.request(
        {"type": "dm", "to": rose.id, "text": "et celle-ci", "media": media["id"]}
    )
    assert refused["type"] == "rejected" and refused["code"] == "explicit_media_dm", refused
    ok = await alice.request(
        {"type": "dm", "to": rose.id, "text": "mon chat", "media": ordinary["id"]}
    )
    assert ok["type"] == "ack", ok
    await rose.settle()
    assert (await rose.message("mon chat"))["media"]["id"] == ordinary["id"]
    assert not [f for f in rose.received("message") if f["message"]["text"] == "et celle-ci"]
    # nor can she send one herself
    own = uploaded(server, rose.session["token"], PORTRAIT)
    mine = await rose.request({"type": "dm", "to": alice.id, "text": "moi", "media": own["id"]})
    assert mine["type"] == "rejected" and mine["code"] == "explicit_media_dm", mine
    await alice.close()
    await rose.close()


async def test_the_daily_upload_quota_is_per_person(server):
    anna = await Client.enter(server)
    other = await Client.enter(server)
    for seed in range(4):
        uploaded(server, anna.session["token"], encode(photo(seed=70 + seed, size=(300, 200))))
    refused = upload(server, anna.session["token"], encode(photo(seed=75, size=(300, 200))))
    assert refused.status_code == 429, refused.text
    error = refused.json()["error"]
    assert error["code"] == "rate_limited" and error["message"]
    # someone else's quota is untouched
    uploaded(server, other.session["token"], encode(photo(seed=76, size=(300, 200))))
    await anna.close()
    await other.close()
