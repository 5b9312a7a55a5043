"""Anonymous age assurance over HTTP: nonce -> attestation from an issuer -> badge.

The issuer is the development issuer (`papote age-attest`), run as a subprocess
for the happy path; crafted attestations cover the refusals.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from papote.safety.age_issuer import load_private_key, make_claims, sign_attestation
from tests.ageissuer import issue as issue_attestation
from tests.ageissuer import make_key, server_trusting
from tests.serverproc import ServerProcess
from tests.wsclient import Client, enter, unique_pseudo

ISSUER = "test-issuer"


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    """The provider's private key (a development issuer)."""
    return make_key(tmp_path_factory.mktemp("issuer"))


@pytest.fixture(scope="module")
def age_server(keys: Path) -> Iterator[ServerProcess]:
    server = server_trusting(keys, ISSUER)
    yield server
    server.stop()


def issue(keys: Path, nonce: str) -> str:
    return issue_attestation(keys, ISSUER, nonce)


def nonce_for(server: ServerProcess, token: str) -> str:
    r = httpx.post(f"{server.url}/api/v1/age/nonce", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return str(r.json()["nonce"])


def verify(server: ServerProcess, token: str, attestation: str, nonce: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/age/verify",
        headers={"authorization": f"Bearer {token}"},
        json={"attestation": attestation, "nonce": nonce},
    )


async def test_valid_attestation_gives_the_badge(age_server, keys):
    session = await enter(age_server.url)
    watcher = await Client.enter(age_server)
    me = await Client.connect(age_server.ws_url, session)
    nonce = nonce_for(age_server, session["token"])
    r = verify(age_server, session["token"], issue(keys, nonce), nonce)
    assert r.status_code == 200, r.text
    assert r.json()["verified_adult"] is True
    who = await watcher.request({"type": "who"})
    mine = next(u for u in who["users"] if u["id"] == me.id)
    assert mine["verified_adult"] is True
    # the badge opens the adult room and shows on messages
    joined = await me.request({"type": "join", "room": "adultes"})
    assert joined["type"] == "joined"
    ack = await me.request({"type": "say", "room": "adultes", "text": "bonsoir"})
    assert ack["message"]["from"]["verified_adult"] is True
    await me.close()
    await watcher.close()


async def test_adult_room_refused_without_badge(age_server):
    c = await Client.enter(age_server)
    refused = await c.request({"type": "join", "room": "adultes"})
    assert refused["type"] == "error" and refused["code"] == "adult_room"
    assert "vérifié" in refused["message"]
    await c.close()


def _crafted(keys: Path, nonce: str, **changes) -> str:
    claims = make_claims(ISSUER, nonce, now_s=int(time.time()))
    claims.update(changes)
    return sign_attestation(load_private_key(keys), claims)


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("expired", "expired"),
        ("unknown_issuer", "unknown_issuer"),
        ("tampered", "bad_signature"),
        ("wrong_nonce", "wrong_nonce"),
        ("not_adult", "not_adult"),
    ],
)
async def test_refused_attestations(age_server, keys, case, code):
    session = await enter(age_server.url)
    token = session["token"]
    nonce = nonce_for(age_server, token)
    if case == "expired":
        past = int(time.time()) - 3600
        attestation = _crafted(keys, nonce, iat=past - 600, exp=past)
    elif case == "unknown_issuer":
        attestation = _crafted(keys, nonce, iss="someone-else")
    elif case == "tampered":
        header, payload, signature = issue(keys, nonce).split(".")
        import base64

        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["exp"] += 86400
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        attestation = f"{header}.{forged}.{signature}"
    elif case == "wrong_nonce":
        attestation = issue(keys, nonce_for(age_server, token))
    else:
        attestation = _crafted(keys, nonce, over18=False)
    r = verify(age_server, token, attestation, nonce)
    assert r.status_code == 403, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["message"]


async def test_replayed_attestation_is_refused(age_server, keys):
    first = await enter(age_server.url)
    nonce = nonce_for(age_server, first["token"])
    attestation = issue(keys, nonce)
    assert verify(age_server, first["token"], attestation, nonce).status_code == 200
    again = verify(age_server, first["token"], attestation, nonce)
    assert again.status_code == 403 and again.json()["error"]["code"] in {"replayed", "wrong_nonce"}
    # shared with someone else: bound to the first session's nonce, so refused
    other = await enter(age_server.url)
    shared = verify(age_server, other["token"], attestation, nonce)
    assert shared.status_code == 403


def test_locked_browser_lifted_by_attestation(age_server, keys):
    """A locked browser proves it is an adult's: entry succeeds with the badge."""
    with httpx.Client(base_url=age_server.url) as browser:
        kid = {"pseudo": unique_pseudo(), "age": 15, "gender": "femme", "postal_code": "31000"}
        assert browser.post("/api/v1/session", json=kid).json()["error"]["code"] == "underage"
        adult = {"pseudo": unique_pseudo(), "age": 40, "gender": "femme", "postal_code": "31000"}
        locked = browser.post("/api/v1/session", json=adult)
        assert locked.json()["error"]["code"] == "age_gate_locked"
        nonce = browser.post("/api/v1/age/nonce").json()["nonce"]
        entry = browser.post(
            "/api/v1/session", json={**adult, "attestation": issue(keys, nonce), "nonce": nonce}
        )
        assert entry.status_code == 201, entry.text
        assert entry.json()["user"]["verified_adult"] is True
        # the locks are gone for this browser
        again = {**adult, "pseudo": unique_pseudo()}
        assert browser.post("/api/v1/session", json=again).status_code == 201


def test_a_failed_entry_does_not_keep_a_proven_browser_locked(age_server, keys):
    taken = unique_pseudo()
    assert (
        httpx.post(
            f"{age_server.url}/api/v1/session",
            json={"pseudo": taken, "age": 30, "gender": "homme", "postal_code": "31000"},
        ).status_code
        == 201
    )
    with httpx.Client(base_url=age_server.url) as browser:
        kid = {"pseudo": unique_pseudo(), "age": 16, "gender": "homme", "postal_code": "31000"}
        assert browser.post("/api/v1/session", json=kid).json()["error"]["code"] == "underage"
        nonce = browser.post("/api/v1/age/nonce").json()["nonce"]
        attestation = issue(keys, nonce)
        # a typo in the form: refused before the attestation is used
        typo = {
            "pseudo": "x",
            "age": 40,
            "gender": "homme",
            "postal_code": "31000",
            "attestation": attestation,
            "nonce": nonce,
        }
        assert browser.post("/api/v1/session", json=typo).json()["error"]["code"] == (
            "invalid_pseudo"
        )
        # a pseudo already taken: the proof is spent but the locks are lifted
        clash = {**typo, "pseudo": taken}
        assert browser.post("/api/v1/session", json=clash).json()["error"]["code"] == (
            "pseudo_taken"
        )
        again = {"pseudo": unique_pseudo(), "age": 40, "gender": "homme", "postal_code": "31000"}
        assert browser.post("/api/v1/session", json=again).status_code == 201
