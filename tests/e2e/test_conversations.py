"""Conversations that survive: drafts per tab, a reload, held messages, presence, Quitter."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import WebSocketRoute, expect

from .helpers import (
    DESKTOP_1366,
    enter,
    no_null_text,
    open_dm,
    run_axe,
    say,
    screenshot,
    unique_pseudo,
)

pytestmark = pytest.mark.e2e

PROMO = (
    "Abonnez vous à ma chaine YouTube, une nouvelle vidéo de cuisine chaque semaine, "
    "likez et partagez : https://www.youtube.com/@papote-cuisine"
)


def _texts(page):
    return page.locator("#message-list .msg-text")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_reload_restores_rooms_private_tabs_history_and_drafts(new_page, page_errors, phone):
    page, other = new_page(phone=phone), new_page()
    if not phone:
        page.set_viewport_size(DESKTOP_1366)
    name, other_name = unique_pseudo("Reload"), unique_pseudo("Ami")
    enter(other, other_name, gender="femme")
    enter(page, name)
    if phone:
        page.click("[data-pane-btn=rooms]")
    page.locator("#room-list-theme [data-room=cuisine]").click()
    expect(page.locator("#conv-title")).to_have_text("Cuisine")
    say(page, f"Une recette de tarte dans Cuisine, {name}")
    if phone:
        page.click("[data-pane-btn=people]")
    open_dm(page, other_name)
    say(page, "Coucou à toi avant la pause")
    expect(other.locator(".tab.dm", has_text=name)).to_have_count(1)
    other.locator(".tab.dm .tab-btn").click()
    say(other, "Ma réponse avant la pause")
    expect(_texts(page).filter(has_text="Ma réponse")).to_have_count(1)
    # one draft per conversation: what is typed for the private tab stays there
    page.fill("#composer-input", "brouillon pour le privé")
    page.locator(".tab.room .tab-btn", has_text="Cuisine").click()
    expect(page.locator("#composer-input")).to_have_value("")
    page.fill("#composer-input", "brouillon pour Cuisine")
    page.locator(".tab.dm .tab-btn").click()
    expect(page.locator("#composer-input")).to_have_value("brouillon pour le privé")

    page.reload()
    # the session resumes (no entry form), every tab comes back with its history
    expect(page.locator("#chat-view")).to_be_visible()
    expect(page.locator("#entry-view")).to_be_hidden()
    expect(page.locator(".tab .tab-btn")).to_have_count(3)
    expect(page.locator(".tab.dm.active")).to_contain_text(other_name)
    for text in ("Coucou à toi avant la pause", "Ma réponse avant la pause"):
        expect(_texts(page).filter(has_text=text)).to_have_count(1)
    expect(page.locator("#composer-input")).to_have_value("brouillon pour le privé")
    page.locator(".tab.room .tab-btn", has_text="Cuisine").click()
    expect(
        _texts(page).filter(has_text=f"Une recette de tarte dans Cuisine, {name}")
    ).to_have_count(1)
    expect(page.locator("#composer-input")).to_have_value("brouillon pour Cuisine")
    # and the other person is shown online in the private tab
    page.locator(".tab.dm .tab-btn").click()
    expect(page.locator("#conv-presence")).to_have_text("En ligne")
    screenshot(page, f"reload-restored-{'phone' if phone else 'desktop'}.png")
    no_null_text(page)
    assert page_errors.errors == []


def test_held_message_stays_in_place_greyed_and_its_fate_is_shown(new_page, page_errors):
    page = new_page(bypass_csp=True)
    page.set_viewport_size(DESKTOP_1366)
    sockets: list[WebSocketRoute] = []

    def _route(ws: WebSocketRoute) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket("**/api/v1/ws", _route)
    enter(page, unique_pseudo("Cuistot"))
    say(page, PROMO)
    held = page.locator("#message-list .msg.held")
    expect(held).to_have_count(1)
    expect(held).to_contain_text("En attente de vérification")
    expect(held.locator(".msg-text")).to_contain_text("Abonnez vous")
    expect(page.locator("#composer-input")).to_have_value("")
    # the next message does not overwrite it
    say(page, "Un message ordinaire après")
    expect(_texts(page).filter(has_text="Un message ordinaire après")).to_have_count(1)
    expect(held).to_have_count(1)
    held_id = held.get_attribute("data-id")
    assert held_id and len(held_id) == 13  # the stored message's id, from `rejected`
    screenshot(page, "held-desktop.png")
    assert run_axe(page) == []

    # still there after a reload (the server's history never returns held messages)
    page.reload()
    expect(page.locator("#message-list .msg.held")).to_have_count(1)

    # what became of it: a notice about that message, as an older server sends it (no
    # `reason`: its text is shown; tests/e2e/test_held_outcome.py has real decisions)
    sockets[-1].send(
        json.dumps(
            {
                "type": "notice",
                "level": "info",
                "key": "held_outcome",
                "message_id": held_id,
                "outcome": "removed",
                "text": "Un modérateur a refusé ce message : publicité.",
            }
        )
    )
    fate = page.locator(f"#message-list .msg[data-id='{held_id}'] .msg-held-state")
    expect(fate).to_contain_text("Retiré par la modération")
    expect(fate).to_contain_text("publicité")
    expect(page.locator("#notices .notice")).to_have_count(0)
    assert page_errors.errors == []


def test_presence_in_a_private_tab_and_a_person_who_left(new_page, page_errors):
    alice, bruno = new_page(), new_page()
    a_name, b_name = unique_pseudo("Alix"), unique_pseudo("Boris")
    enter(alice, a_name, gender="femme")
    enter(bruno, b_name)
    open_dm(alice, b_name)
    expect(alice.locator("#conv-presence")).to_have_text("En ligne")
    expect(alice.locator(".tab.dm .dot.online")).to_have_count(1)
    # Boris leaves: at once, Alix's tab says so and what happens to a message
    bruno.click("#quit-btn")
    bruno.click("#quit-yes")
    expect(bruno.locator("#ended-view")).to_be_visible()
    presence = alice.locator("#conv-presence")
    expect(presence).to_contain_text("hors ligne", timeout=10_000)
    expect(presence).to_contain_text(b_name)
    say(alice, "tu es toujours là ?")
    expect(presence).to_contain_text("a quitté Papote")
    expect(alice.locator("#composer-status [data-code=unknown_user]")).to_contain_text("pas parti")
    expect(_texts(alice).filter(has_text="tu es toujours là ?")).to_have_count(0)
    expect(alice.locator("#composer-input")).to_have_value("tu es toujours là ?")
    screenshot(alice, "presence-gone-desktop.png")
    assert page_errors.errors == []


def test_quit_asks_first_frees_the_pseudo_at_once_and_prefills_the_form(new_page, page_errors):
    page = new_page(phone=True)
    name = unique_pseudo("Quitte")
    enter(page, name, age=33, gender="femme", postal="69003")
    page.click("#quit-btn")
    dialog = page.locator("#quit-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("libéré tout de suite")
    page.click("#quit-no")
    expect(page.locator("#chat-view")).to_be_visible()
    page.click("#quit-btn")
    page.click("#quit-yes")
    expect(page.locator("#ended-view")).to_be_visible()
    page.click("#ended-again")
    expect(page.locator("#entry-view")).to_be_visible()
    expect(page.locator("#pseudo")).to_have_value(name)
    expect(page.locator("#age")).to_have_value("33")
    expect(page.locator("#g-femme")).to_be_checked()
    expect(page.locator("#postal")).to_have_value("69003")
    # the same pseudo comes in again at once
    page.click("#entry-submit")
    expect(page.locator("#chat-view")).to_be_visible()
    expect(page.locator("#me")).to_contain_text(name, use_inner_text=False)
    assert page_errors.errors == []
