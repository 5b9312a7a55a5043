"""Every error code of the entry (PROTOCOL.md, Entry) produced against a real server."""

from __future__ import annotations

import httpx
import pytest

from tests.api.challenge_helpers import BROWSER
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import enter, unique_pseudo

GOOD = {"age": 34, "gender": "homme", "postal_code": "75011"}


def post(server, body, **kwargs):
    return httpx.post(f"{server.url}/api/v1/session", json=body, **kwargs)


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and len(error["message"]) > 10


def test_entry_success_derives_place(sqlite_server):
    r = post(
        sqlite_server, {"pseudo": "Éloïse-97", "age": 27, "gender": "femme", "postal_code": "97200"}
    )
    assert r.status_code == 201
    body = r.json()
    assert body["token"] and body["user"]["pseudo"] == "Éloïse-97"
    assert body["user"]["city"] == "Fort-de-France"
    assert body["user"]["department"] == "972" and body["user"]["region"] == "Martinique"
    assert body["user"]["verified_adult"] is False


@pytest.mark.parametrize(
    "pseudo", ["ab", "x" * 21, "has space", "semi;colon", "<script>", "", 42, None, "Маrin"]
)
def test_invalid_pseudo(sqlite_server, pseudo):
    assert_error(post(sqlite_server, {"pseudo": pseudo, **GOOD}), 400, "invalid_pseudo")


def test_pseudo_taken_is_case_and_accent_insensitive(sqlite_server):
    base = unique_pseudo("Elo")
    assert post(sqlite_server, {"pseudo": base, **GOOD}).status_code == 201
    assert_error(post(sqlite_server, {"pseudo": base.upper(), **GOOD}), 409, "pseudo_taken")
    accented = "É" + base[1:] if base[0] in "Ee" else base.lower()
    assert_error(post(sqlite_server, {"pseudo": accented, **GOOD}), 409, "pseudo_taken")


@pytest.mark.parametrize("age", ["trente", 0, -3, 150, 34.5, True, None, [18]])
def test_invalid_age(sqlite_server, age):
    body = {"pseudo": unique_pseudo(), "age": age, "gender": "homme", "postal_code": "75011"}
    assert_error(post(sqlite_server, body), 400, "invalid_age")


@pytest.mark.parametrize("code", ["00000", "99999", "7501", "750111", "ABCDE", 75011, "98000"])
def test_invalid_postal_code(sqlite_server, code):
    body = {"pseudo": unique_pseudo(), "age": 30, "gender": "homme", "postal_code": code}
    assert_error(post(sqlite_server, body), 400, "invalid_postal_code")


def test_invalid_gender_and_body(sqlite_server):
    body = {"pseudo": unique_pseudo(), "age": 30, "gender": "robot", "postal_code": "75011"}
    assert_error(post(sqlite_server, body), 400, "invalid_gender")
    r = httpx.post(
        f"{sqlite_server.url}/api/v1/session",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert_error(r, 400, "bad_request")
    assert_error(post(sqlite_server, [1, 2]), 400, "bad_request")


def test_underage_then_locked_even_when_retyping_18(fresh_server):
    fresh_server.env["PAPOTE_TRUSTED_NETWORKS"] = ""
    server = fresh_server.start()
    with httpx.Client(base_url=server.url) as browser:  # keeps cookies, like a browser
        r = browser.post(
            "/api/v1/session",
            json={"pseudo": "Lea14", "age": 14, "gender": "femme", "postal_code": "59000"},
        )
        assert_error(r, 403, "underage")
        error = r.json()["error"]
        assert "3018" in error["message"]
        assert any(h["phone"] == "3018" for h in error["help"])
        r = browser.post(
            "/api/v1/session",
            json={"pseudo": "Lea18", "age": 18, "gender": "femme", "postal_code": "59000"},
        )
        assert_error(r, 403, "age_gate_locked")
    # same device and network without the cookie (private window, or a neighbour with
    # the same browser): not a lock, which would shut neighbours out, but a challenge
    r = post(server, {"pseudo": "Lea_bis", "age": 19, "gender": "femme", "postal_code": "59000"})
    assert_error(r, 428, "challenge_required")
    # another device signature on the same network is not locked
    other = {
        "user-agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Firefox/130.0",
        "accept-language": "de-DE",
    }
    r = post(
        server,
        {
            "pseudo": "Papa_59",
            "age": 45,
            "gender": "homme",
            "postal_code": "59000",
            "screen": "1920x1080",
        },
        headers=other,
    )
    assert r.status_code == 201


def test_banned_browser_refused_neighbour_admitted(fresh_server):
    """A ban falls on a browser (its own cookie), never on the address others share."""
    import asyncio

    from papote.actions.entry_bans import BROWSER_COOKIE
    from papote.settings import Settings
    from papote.store.bans import add
    from papote.store.db import Database
    from papote.store.models import Ban

    server = fresh_server.start()
    settings = Settings(data_dir=server.data_dir)
    with httpx.Client(base_url=server.url) as banned_browser:
        first = banned_browser.post("/api/v1/session", json={"pseudo": unique_pseudo(), **GOOD})
        assert first.status_code == 201
        cookie = banned_browser.cookies[BROWSER_COOKIE]
        assert "httponly" in first.headers["set-cookie"].lower()

        async def ban_that_browser() -> None:
            import hashlib
            import hmac

            key = hmac.new(settings.secret, f"browser|{cookie}".encode(), hashlib.sha256)
            db = Database(settings.db_url)
            await add(
                db,
                Ban(
                    key=f"browser:{key.hexdigest()[:40]}",
                    until=None,
                    reason="hate",
                    statement="Propos haineux répétés.",
                    created_at=0,
                ),
            )
            await db.close()

        asyncio.run(ban_that_browser())
        r = banned_browser.post("/api/v1/session", json={"pseudo": unique_pseudo(), **GOOD})
        assert_error(r, 403, "banned")
    # same address, another browser: welcome
    assert post(server, {"pseudo": unique_pseudo(), **GOOD}).status_code == 201


def test_rate_limited_per_address(fresh_server):
    fresh_server.env.update({"PAPOTE_RATE_ENTRY_IP": "5/minute", "PAPOTE_TRUSTED_NETWORKS": ""})
    server = fresh_server.start()
    codes = [
        post(server, {"pseudo": unique_pseudo(), **GOOD}, headers=BROWSER).status_code
        for _ in range(7)
    ]
    assert codes[:5] == [201] * 5
    assert codes[5:] == [429, 429]
    r = post(server, {"pseudo": unique_pseudo(), **GOOD}, headers=BROWSER)
    assert_error(r, 429, "rate_limited")


async def test_delete_session_ends_token(sqlite_server):
    session = await enter(sqlite_server.url)
    headers = {"authorization": f"Bearer {session['token']}"}
    async with httpx.AsyncClient(base_url=sqlite_server.url) as http:
        assert (await http.delete("/api/v1/session", headers=headers)).status_code == 204
        again = await http.delete("/api/v1/session", headers=headers)
        assert_error(again, 401, "unauthorized")
        # the pseudo is free again at once
        body = {"pseudo": session["user"]["pseudo"], **GOOD}
        assert (await http.post("/api/v1/session", json=body)).status_code == 201


def test_http_errors_have_the_error_shape(sqlite_server):
    assert_error(httpx.get(f"{sqlite_server.url}/api/v1/nothing"), 404, "not_found")
    assert_error(httpx.put(f"{sqlite_server.url}/api/v1/session"), 405, "method_not_allowed")
    r = httpx.get(f"{sqlite_server.url}/api/v1/postal/97133")
    assert r.json()["city"] == "Saint-Barthélemy"


def test_healthz_and_metrics(sqlite_server):
    assert httpx.get(f"{sqlite_server.url}/healthz").json() == {"status": "ok"}
    text = httpx.get(sqlite_server.metrics_url).text
    for name in (
        "papote_connections",
        "papote_online_users",
        "papote_handler_seconds",
        "papote_messages_total",
        "papote_frames_in_total",
    ):
        assert name in text


_ = RELAXED, ServerProcess


def test_oversized_body_is_refused(sqlite_server):
    r = httpx.post(
        f"{sqlite_server.url}/api/v1/session",
        content=b"x" * 100_000,
        headers={"content-type": "application/json"},
    )
    assert_error(r, 413, "bad_request")
