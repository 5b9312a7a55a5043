"""Notices and sanctions from the server are shown as such, never as chat messages.

The warning, the mute and the ban below are the server's own frames: a public notice
opens a case, a moderator acts through the Staff API, and the page shows what the
server sent (statement of reasons included). The last tests route the page's socket
through Playwright to reply with `rejected` codes the server sends in rarer situations.
"""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import WebSocketRoute, expect

from papote.actions.errors import MESSAGES_FR
from tests.staffhelp import add_staff, auth, login

from .helpers import enter, say, unique_pseudo

pytestmark = pytest.mark.e2e


class Moderator:
    """A moderator on the test server, acting through the real Staff API."""

    def __init__(self, server) -> None:
        self.url = server.url
        self.token = login(server, add_staff(server))

    def notice(self, about: str, category: str) -> None:
        r = httpx.post(
            f"{self.url}/api/v1/notices",
            json={"url_or_id": about, "category": category, "explanation": "vu"},
        )
        assert r.status_code == 201, r.text

    def case_of(self, pseudo: str, kind: str) -> dict:
        r = httpx.get(f"{self.url}/api/v1/staff/cases?pseudo={pseudo}", headers=auth(self.token))
        found = [
            c for c in r.json()["cases"] if c["state"] == "open" and c["subject"]["kind"] == kind
        ]
        assert found, r.json()
        detail = httpx.get(
            f"{self.url}/api/v1/staff/cases/{found[0]['id']}", headers=auth(self.token)
        )
        return detail.json()["case"]

    def act(self, case: dict, **body) -> dict:
        r = httpx.post(
            f"{self.url}/api/v1/staff/cases/{case['id']}/actions",
            json=body,
            headers=auth(self.token),
        )
        assert r.status_code == 200, r.text
        return r.json()["sanction"]


def test_notice_and_mute_are_shown_apart(new_page, page_errors, sqlite_server):
    mod = Moderator(sqlite_server)
    page = new_page()
    pseudo = unique_pseudo("Vera")
    enter(page, pseudo, gender="femme")
    say(page, "Avant la sanction <b>pas du HTML</b>")
    expect(page.locator("#message-list .msg-text", has_text="Avant la sanction")).to_have_count(1)

    mod.notice(pseudo, "harassment")
    person_case = mod.case_of(pseudo, "user")
    warned = mod.act(person_case, action="warn", reason="harassment")
    notice = page.locator("#notices .notice.warning")
    expect(notice).to_contain_text("un avertissement")
    expect(page.locator("#message-list")).not_to_contain_text("avertissement")
    assert warned["statement"].startswith("Tu reçois un avertissement de la modération.")

    message_id = person_case["evidence"]["context"][-1]["id"]
    mod.notice(message_id, "harassment")
    muted = mod.act(
        mod.case_of(pseudo, "message"), action="mute", reason="harassment", duration_s=600
    )
    dialog = page.locator("#sanction-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#sanction-title")).to_have_text("Tu es en sourdine")
    expect(page.locator("#sanction-reason")).to_have_text("Harcèlement")
    expect(page.locator("#sanction-statement")).to_have_text(muted["statement"])
    expect(page.locator("#sanction-statement")).to_contain_text("<b>pas du HTML</b>")
    assert page.locator("#sanction-statement b").count() == 0
    expect(page.locator("#message-list")).not_to_contain_text("Tu ne peux plus écrire")
    dialog.get_by_role("button", name="J’ai compris").click()
    expect(dialog).to_be_hidden()

    say(page, "Pendant la sourdine")
    expect(page.locator("#composer-status")).to_contain_text("sourdine")
    expect(page.locator("#message-list .msg-text", has_text="Pendant la sourdine")).to_have_count(0)
    assert page_errors.errors == []


def test_ban_ends_the_session_with_the_statement(new_page, page_errors, sqlite_server):
    mod = Moderator(sqlite_server)
    page = new_page()
    sockets: list[WebSocketRoute] = []

    def _route(ws: WebSocketRoute) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket("**/api/v1/ws", _route)
    pseudo = unique_pseudo("Wim")
    enter(page, pseudo)
    before = len(sockets)
    mod.notice(pseudo, "hate")
    banned = mod.act(mod.case_of(pseudo, "user"), action="ban", reason="hate")
    expect(page.locator("#sanction-title")).to_have_text("Tu es banni·e")
    expect(page.locator("#sanction-until")).to_have_text("Sans limite de durée")
    expect(page.locator("#ended-view")).to_be_visible()
    expect(page.locator("#ended-statement")).to_have_text(banned["statement"])
    page.wait_for_timeout(2_000)
    assert len(sockets) == before, "the page reconnected after a ban"
    assert page_errors.errors == []


def test_a_kick_is_shown_and_the_session_goes_on(new_page, page_errors, sqlite_server):
    """The server's own `kick` frame: the page says « exclu·e » for how long, closes
    that room's tab, and the session goes on."""
    mod = Moderator(sqlite_server)
    page = new_page()
    pseudo = unique_pseudo("Kiki")
    enter(page, pseudo)
    say(page, "Avant l'exclusion")
    expect(page.locator("#message-list .msg-text", has_text="Avant l'exclusion")).to_have_count(1)
    mod.notice(pseudo, "spam")
    person_case = mod.case_of(pseudo, "user")
    message_id = person_case["evidence"]["context"][-1]["id"]
    mod.notice(message_id, "spam")
    kicked = mod.act(mod.case_of(pseudo, "message"), action="kick", reason="spam")
    assert kicked["action"] == "kick"
    dialog = page.locator("#sanction-dialog")
    expect(page.locator("#sanction-title")).to_have_text("Tu as été exclu·e")
    expect(page.locator("#sanction-until")).to_contain_text("15 minutes")  # out of the room
    expect(page.locator("#sanction-reason")).to_have_text("Spam, publicité")
    statement = page.locator("#sanction-statement")
    expect(statement).to_contain_text("retiré·e du salon « Général »")
    # the statement as the server wrote it: "spam" is a French word, not a code to translate
    expect(statement).to_have_text(kicked["statement"])
    expect(statement).to_contain_text("l'interdiction du spam")
    dialog.get_by_role("button", name="J’ai compris").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#ended-view")).to_be_hidden()
    # the room's tab closes (the frame names the room: extension `room`)
    expect(page.locator("#conv-tabs .tab", has_text="Général")).to_have_count(0)
    # the session goes on: another room, and a message there
    page.locator("#room-list-theme [data-room=cuisine]").click()
    expect(page.locator("#conv-title")).to_have_text("Cuisine")
    say(page, "Après l'exclusion")
    expect(page.locator("#message-list .msg-text", has_text="Après l'exclusion")).to_have_count(1)
    assert page_errors.errors == []


def test_a_suspension_is_told_as_such_and_can_be_contested(new_page, page_errors, sqlite_server):
    """A suspension pending review is the server's `sanction` `suspend` frame: the page
    says « suspendu », never « banni·e », gives the 30-day limit, and the browser
    contests it from /recours as it would a ban."""
    mod = Moderator(sqlite_server)
    page = new_page()
    pseudo = unique_pseudo("Susi")
    enter(page, pseudo)
    mod.notice(pseudo, "harassment")
    suspended = mod.act(mod.case_of(pseudo, "user"), action="suspend", reason="harassment")
    assert suspended["action"] == "suspend"
    expect(page.locator("#sanction-title")).to_have_text("Ton accès est suspendu")
    expect(page.locator("#sanction-until")).to_contain_text("30 jours au plus")
    expect(page.locator("#sanction-until")).to_contain_text("examen de ton dossier")
    expect(page.locator("#sanction-dialog")).not_to_contain_text("banni")
    expect(page.locator("#ended-view")).to_be_visible()
    expect(page.locator("#ended-text")).to_contain_text("suspendu en attendant")
    expect(page.locator("#ended-statement")).to_have_text(suspended["statement"])
    page.goto("/recours")
    expect(page.locator("#decision")).to_contain_text("Décision : suspension")
    page.fill("#appeal-text", "Je n'ai harcelé personne.")
    page.click("#appeal-form button[type=submit]")
    expect(page.locator("#decision")).to_contain_text("en cours d'examen")
    assert page_errors.errors == []


def test_new_refusals_are_shown_by_the_composer(new_page, page_errors):
    """The server's `rejected` codes of the minors protection and DM limits, with the
    server's own French sentences, next to the composer and never as messages."""
    page = new_page()
    codes = ["minor_protected", "too_many_new_dms", "suspended", "dm_self"]

    def _route(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def _from_page(message: str | bytes) -> None:
            frame = json.loads(message)
            text = frame.get("text", "") if isinstance(frame, dict) else ""
            if frame.get("type") == "say" and text.startswith("refus:"):
                code = text.split(":", 1)[1]
                reply = {
                    "type": "rejected",
                    "ref": frame.get("ref"),
                    "code": code,
                    "category": None,
                    "message": MESSAGES_FR[code],
                }
                ws.send(json.dumps(reply))
                return
            server.send(message)

        ws.on_message(_from_page)

    page.route_web_socket("**/api/v1/ws", _route)
    enter(page, unique_pseudo("Refus"))
    for code in codes:
        say(page, f"refus:{code}")
        alert = page.locator(f"#composer-status [data-code={code}]")
        # the page's own wording, in its voice ("tu"), never the server's code
        expect(alert).not_to_be_empty()
        assert "vous" not in alert.inner_text().lower() and code not in alert.inner_text()
        expect(page.locator("#composer-status")).to_have_attribute("role", "alert")
        expect(page.locator("#message-list")).not_to_contain_text("refus:")
    # A refusal worth retrying later puts the text back in the composer.
    expect(page.locator("#composer-input")).to_have_value("")
    say(page, "refus:too_many_new_dms")
    expect(page.locator("#composer-input")).to_have_value("refus:too_many_new_dms")
    assert page_errors.errors == []


def test_help_notice_for_a_possible_minor_is_prominent(new_page, page_errors):
    """The server's own help notice, after a minor signal in what the person writes."""
    page = new_page()
    sockets: list[WebSocketRoute] = []

    def _route(ws: WebSocketRoute) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket("**/api/v1/ws", _route)
    enter(page, unique_pseudo("Aide"))
    say(page, "salut, j'ai 14 ans")
    help_box = page.locator("#notices .notice-help")
    expect(help_box).to_contain_text("3018")
    expect(help_box).to_have_attribute("role", "alert")
    expect(help_box.locator("a[href='tel:3018']")).to_be_visible()
    expect(help_box.locator("a[href='https://3018.fr']")).to_be_visible()
    expect(help_box.get_by_role("button", name="Prouver que j’ai 18 ans")).to_be_visible()
    # First, and kept when other notices pile up: one notice shown at a time.
    expect(page.locator("#notices .notice").first).to_have_attribute("data-key", "minor_help")
    for i in range(4):
        sockets[-1].send(
            json.dumps({"type": "notice", "level": "info", "text": f"n{i}", "key": f"k{i}"})
        )
    expect(page.locator("#notices .notice")).to_have_count(1)
    # the help notice (the only one the minor signal sends here) and the four above
    expect(page.locator("#notices .notice")).to_contain_text("1 sur 5")
    page.locator("#notices").get_by_role("button", name="Masquer").click()
    expect(help_box).to_have_count(0)
    expect(page.locator("#notices .notice")).to_have_count(1)
    expect(page.locator("#message-list")).not_to_contain_text("3018")
    assert page_errors.errors == []
