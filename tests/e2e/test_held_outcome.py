"""A held message's outcome, decided by a real moderator through the Staff API, shown in
place on its sender's page: published after review (and seen by the others), removed
with the rule it broke, and told after a reload when it was decided while away."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.staff.test_cases import case_for, staff_post
from tests.staffhelp import add_staff, login

from .helpers import DESKTOP_1366, enter, run_axe, say, screenshot, unique_pseudo
from .test_conversations import PROMO

pytestmark = pytest.mark.e2e
HELD = re.compile(r"\bheld\b")  # greyed: kept from the others


def _held_id(page, text: str) -> str:
    held = page.locator("#message-list .msg.held").filter(has_text=text)
    expect(held).to_have_count(1)
    expect(held).to_contain_text("En attente de vérification")
    held_id = held.get_attribute("data-id")
    assert held_id and len(held_id) == 13
    return held_id


def _decide(server, token: str, message_id: str, action: str) -> None:
    case = case_for(server, token, message_id)
    r = staff_post(
        server, token, f"/cases/{case['id']}/actions", {"action": action, "reason": "spam"}
    )
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_moderators_decision_on_a_held_message_is_shown_in_place(
    new_page, sqlite_server, page_errors, phone
):
    page, other = new_page(phone=phone, bypass_csp=True), new_page()
    if not phone:
        page.set_viewport_size(DESKTOP_1366)
    enter(other, unique_pseudo("Voisine"), gender="femme")
    enter(page, unique_pseudo("Cuistot"))
    token = login(sqlite_server, add_staff(sqlite_server))

    # each view writes its own texts: the room keeps what the other view published
    first, second_word = ("cuisine", "jardinage") if not phone else ("pâtisserie", "bricolage")
    say(page, PROMO.replace("cuisine", first))
    published_id = _held_id(page, f"vidéo de {first}")
    _decide(sqlite_server, token, published_id, "dismiss")
    published = page.locator(f"#message-list .msg[data-id='{published_id}']")
    expect(published.locator(".msg-held-state")).to_contain_text("Publié après vérification")
    expect(published).not_to_have_class(HELD)
    # ... and the others see it now
    expect(
        other.locator("#message-list .msg-text").filter(has_text=f"vidéo de {first}")
    ).to_have_count(1)

    say(page, PROMO.replace("cuisine", second_word))
    removed_id = _held_id(page, f"vidéo de {second_word}")
    _decide(sqlite_server, token, removed_id, "delete")
    fate = page.locator(f"#message-list .msg[data-id='{removed_id}'] .msg-held-state")
    expect(fate).to_contain_text("Retiré par la modération")
    expect(fate).to_contain_text("motif")
    expect(fate).to_contain_text("interdiction du spam, article 5 des règles")
    expect(page.locator(f"#message-list .msg[data-id='{removed_id}']")).to_have_class(HELD)
    # the newest message and its fate stay in view, above the composer, notice or not
    last = page.locator(f"#message-list .msg[data-id='{removed_id}']").bounding_box()
    shown = page.locator("#message-list").bounding_box()
    assert last and shown and last["y"] >= shown["y"] - 1
    assert last["y"] + last["height"] <= shown["y"] + shown["height"] + 1, (last, shown)
    screenshot(page, f"held-outcomes-{'phone' if phone else 'desktop'}.png")
    assert run_axe(page) == []
    assert page_errors.errors == []


def test_a_decision_taken_while_away_is_shown_after_coming_back(
    new_page, sqlite_server, page_errors
):
    page = new_page()
    enter(page, unique_pseudo("Potier"))
    token = login(sqlite_server, add_staff(sqlite_server))
    say(page, PROMO.replace("cuisine", "poterie"))
    held_id = _held_id(page, "poterie")
    page.goto("about:blank")  # away: no socket open
    _decide(sqlite_server, token, held_id, "delete")
    page.goto("/")  # back: the session resumes, the held message is restored from the tab
    fate = page.locator(f"#message-list .msg[data-id='{held_id}'] .msg-held-state")
    expect(fate).to_contain_text("Retiré par la modération")
    expect(fate).to_contain_text("interdiction du spam")
    assert page_errors.errors == []
