"""Entry only from Papote's page (issue 9, point 3): JSON only, same origin, and an age
gate that locks the declaring browser, never its neighbours."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.api.challenge_helpers import BROWSER, solve
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import unique_pseudo

ADULT = {"age": 34, "gender": "femme", "postal_code": "59000"}
PHONE = {**BROWSER, "user-agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/130.0 Mobile"}


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    # no trusted network; the per-prefix challenge is tested in test_entry_challenge.py
    env = {**RELAXED, "PAPOTE_TRUSTED_NETWORKS": "", "PAPOTE_CHALLENGE_ENTRY_PREFIX": "1000/minute"}
    proc = ServerProcess(env).start()
    yield proc
    proc.stop()


def entry_url(server: ServerProcess) -> str:
    return f"{server.url}/api/v1/session"


def test_a_form_of_another_site_cannot_declare_an_age(server):
    """The probe's attack: text/plain from any origin locked out the neighbours."""
    body = json.dumps({"pseudo": unique_pseudo("Kid"), "age": 12, **{"gender": "homme"}})
    forged = httpx.post(
        entry_url(server),
        content=body,
        headers={**PHONE, "content-type": "text/plain", "origin": "https://evil.example"},
    )
    assert forged.status_code in (403, 415), forged.text
    assert "set-cookie" not in forged.headers
    plain = httpx.post(
        entry_url(server), content=body, headers={**PHONE, "content-type": "text/plain"}
    )
    assert plain.status_code == 415 and plain.json()["error"]["code"] == "unsupported_media_type"
    # nothing was locked: the same kind of phone on the same network gets in, unchallenged
    r = httpx.post(
        entry_url(server), json={"pseudo": unique_pseudo("Voisin"), **ADULT}, headers=PHONE
    )
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
        {"sec-fetch-site": "same-site", "origin": "https://chat.example"},
        {"sec-fetch-site": "cross-site"},
    ],
)
def test_state_changes_from_another_origin_are_refused(server, headers):
    r = httpx.post(
        entry_url(server), json={"pseudo": unique_pseudo(), **ADULT}, headers={**BROWSER, **headers}
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_origin", r.text
    nonce = httpx.post(f"{server.url}/api/v1/age/nonce", headers=headers)
    assert nonce.status_code == 403
    leave = httpx.delete(entry_url(server), headers={**headers, "authorization": "Bearer x"})
    assert leave.status_code == 403


def test_the_page_itself_may_post(server):
    own = {"origin": server.url, "sec-fetch-site": "same-origin"}
    r = httpx.post(
        entry_url(server), json={"pseudo": unique_pseudo(), **ADULT}, headers={**BROWSER, **own}
    )
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"  # it carries the token


def test_allowed_origins_setting():
    proc = ServerProcess(
        {**RELAXED, "PAPOTE_ALLOWED_ORIGINS": "https://papote.example, https://m.papote.example"}
    ).start()
    try:
        for origin, status in (
            ("https://m.papote.example", 201),
            ("https://papote.example:443", 201),
            ("https://other.example", 403),
        ):
            r = httpx.post(
                entry_url(proc),
                json={"pseudo": unique_pseudo(), **ADULT},
                headers={"origin": origin},
            )
            assert r.status_code == status, (origin, r.text)
    finally:
        proc.stop()


def test_age_lock_holds_the_declaring_browser_and_only_challenges_neighbours(server):
    with httpx.Client(headers=PHONE) as kid:  # keeps its cookies, like the browser
        r = kid.post(entry_url(server), json={"pseudo": unique_pseudo("Lea"), **ADULT, "age": 14})
        assert r.status_code == 403 and r.json()["error"]["code"] == "underage"
        again = kid.post(
            entry_url(server), json={"pseudo": unique_pseudo("Lea"), **ADULT, "age": 18}
        )
        assert again.status_code == 403 and again.json()["error"]["code"] == "age_gate_locked"
    # a neighbour with the same kind of phone behind the same address: a challenge, no lock
    body = {"pseudo": unique_pseudo("Nina"), **ADULT}
    r = httpx.post(entry_url(server), json=body, headers=PHONE)
    assert r.status_code == 428, r.text
    error = r.json()["error"]
    assert error["code"] == "challenge_required" and error["challenge_url"] == "/api/v1/challenge"
    r = httpx.post(entry_url(server), json={**body, "altcha": solve(server)}, headers=PHONE)
    assert r.status_code == 201, r.text
