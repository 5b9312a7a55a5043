"""The page's second round (issue 13), point by point, on a desktop and a phone."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from .helpers import (
    DESKTOP_1366,
    enter,
    no_null_text,
    on_screen,
    open_dm,
    run_axe,
    say,
    screenshot,
    unique_pseudo,
)

pytestmark = pytest.mark.e2e
VIEWS = pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])


def _page(new_page, phone: bool, **kw) -> Page:
    page = new_page(phone=phone, **kw)
    if not phone:
        page.set_viewport_size(DESKTOP_1366)
    return page


def _pane(page: Page, phone: bool, pane: str) -> None:
    if phone:
        page.click(f"[data-pane-btn={pane}]")


def _box(page: Page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


@VIEWS
def test_links_own_messages_reply_and_profile_card(new_page, page_errors, phone):
    page, other = _page(new_page, phone, bypass_csp=True), new_page()
    name, other_name = unique_pseudo("Lino"), unique_pseudo("Lectrice")
    enter(other, other_name, age=27, gender="femme", postal="69003")
    enter(page, name)
    # 3. links: clickable, safe, in a new tab, with the real host shown
    say(other, f"Lu ce matin https://www.lemonde.fr/societe/article/2024/un-article.html, {name}.")
    link = page.locator("#message-list a.msg-link").last
    expect(link).to_have_attribute(
        "href", "https://www.lemonde.fr/societe/article/2024/un-article.html"
    )
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow ugc")
    expect(link).to_have_attribute("target", "_blank")
    expect(link.locator(".link-host")).to_have_text(" (www.lemonde.fr)")
    say(other, f"Pas un lien pour {name} : javascript:alert(1) ni <a href=x>")
    not_link = page.locator("#message-list .msg-text", has_text=f"Pas un lien pour {name}")
    expect(not_link).to_have_count(1)
    assert not_link.locator("a").count() == 0

    # 11. my messages stand apart; reply quotes a message
    msg = page.locator("#message-list .msg:not(.mine)", has_text="Lu ce matin").last
    msg.locator(".msg-reply").click()
    expect(page.locator("#composer-reply")).to_contain_text(other_name)
    expect(page.locator("#composer-input")).to_be_focused()
    say(page, f"Merci pour l'article, {other_name}")
    mine = page.locator("#message-list .msg.mine", has_text=f"Merci pour l'article, {other_name}")
    expect(mine).to_have_count(1)
    expect(mine.locator(".msg-quote")).to_contain_text(other_name)
    expect(mine.locator(".msg-quote")).to_contain_text("Lu ce matin")
    theirs = other.locator("#message-list .msg", has_text=f"Merci pour l'article, {other_name}")
    expect(theirs.locator(".msg-quote")).to_contain_text("Lu ce matin")
    expect(theirs).not_to_have_class("mine")
    assert (
        _box(page, "#message-list .msg.mine")["x"]
        > _box(page, "#message-list .msg:not(.mine)")["x"]
    )

    # the profile card: pseudo, age, gender, city and region, rooms in common, actions
    page.locator("#message-list .msg:not(.mine)", has_text="Lu ce matin").last.locator(
        ".msg-author"
    ).click()
    card = page.locator("#person-dialog")
    expect(card).to_be_visible()
    expect(page.locator("#person-name")).to_contain_text(other_name)
    expect(page.locator("#person-facts")).to_contain_text("27 ans")
    expect(page.locator("#person-facts")).to_contain_text("Femme")
    expect(page.locator("#person-facts")).to_contain_text("Lyon, Auvergne-Rhône-Alpes")
    expect(page.locator("#person-rooms")).to_contain_text("Général")
    for button in ("#person-dm", "#person-block", "#person-report"):
        expect(page.locator(button)).to_be_visible()
    expect(page.locator("#person-dm")).to_have_text("Écrire")
    no_null_text(page)
    screenshot(page, f"profile-card-{'phone' if phone else 'desktop'}.png")
    assert run_axe(page) == []
    page.click("#person-dm")
    expect(page.locator(".tab.dm.active")).to_contain_text(other_name)
    # the card opens from the people list too
    _pane(page, phone, "people")
    page.locator("#region-scope button[data-region='']").click()
    page.locator("#people-list .person-btn", has_text=other_name).click()
    expect(page.locator("#person-name")).to_contain_text(other_name)
    page.keyboard.press("Escape")
    assert page_errors.errors == []


@VIEWS
def test_report_dialog_and_report_then_block(new_page, page_errors, phone):
    page, other = _page(new_page, phone, bypass_csp=True), new_page()
    name, other_name = unique_pseudo("Camille"), unique_pseudo("Bavard")
    enter(other, other_name)
    enter(page, name, gender="femme")
    say(other, f"Bonjour à tous, ici {other_name}")
    said = page.locator("#message-list .msg", has_text=f"ici {other_name}")
    said.locator(".msg-more").click()
    page.click("#message-report")
    expect(page.locator("#report-dialog")).to_be_visible()
    # 12. no reason preselected; sending without one says so
    expect(page.locator("#report-reason")).to_have_value("")
    page.click("#report-form button[type=submit]")
    expect(page.locator("#report-error")).to_contain_text("motif")
    expect(page.locator("#report-dialog")).to_be_visible()
    # the "block too" box sits on the line of its label
    check, label = _box(page, "#report-block"), _box(page, "label[for=report-block]")
    assert abs((check["y"] + check["height"] / 2) - (label["y"] + label["height"] / 2)) < 12
    assert check["x"] < label["x"]
    screenshot(page, f"report-{'phone' if phone else 'desktop'}.png")
    assert run_axe(page) == []
    page.select_option("#report-reason", "harassment")
    page.check("#report-block")
    page.click("#report-form button[type=submit]")
    # report and block: one confirmation that says both
    expect(page.locator("#toast")).to_contain_text("Signalement envoyé")
    expect(page.locator("#toast")).to_contain_text("bloqué")
    expect(said).to_have_count(0)
    assert page_errors.errors == []


@VIEWS
def test_suspension_dialog_says_the_real_duration_and_no_code(new_page, page_errors, phone):
    page = _page(new_page, phone, bypass_csp=True)
    sockets: list[WebSocketRoute] = []

    def _route(ws: WebSocketRoute) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket("**/api/v1/ws", _route)
    enter(page, unique_pseudo("Suspendu"))
    until = int(time.time() * 1000) + 30 * 86_400_000
    statement = "Ton compte est suspendu (catégorie : child_safety) en attendant un modérateur."
    frame = {"type": "sanction", "action": "suspend", "until": until, "reason": "child_safety"}
    sockets[-1].send(json.dumps({**frame, "statement": statement}))
    dialog = page.locator("#sanction-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#sanction-title")).to_have_text("Ton accès est suspendu")
    expect(page.locator("#sanction-until")).to_contain_text("30 jours au plus")
    expect(page.locator("#sanction-until")).not_to_contain_text("Sans limite")
    expect(page.locator("#sanction-reason")).to_have_text("Mise en danger d’un mineur")
    expect(page.locator("#sanction-statement")).to_contain_text("Mise en danger d’un mineur")
    expect(dialog).not_to_contain_text("child_safety")
    screenshot(page, f"sanction-{'phone' if phone else 'desktop'}.png")
    assert run_axe(page) == []
    assert page_errors.errors == []


@VIEWS
def test_voice_typography_entry_form_and_counter(new_page, page_errors, phone):
    page = _page(new_page, phone, bypass_csp=True)
    page.goto("/")
    # 15. an empty submit names every missing field, once
    page.click("#entry-submit")
    error = page.locator("#entry-error")
    expect(error).to_contain_text("le pseudo")
    expect(error).to_contain_text("l’âge")
    expect(error).to_contain_text("le genre")
    expect(error).to_contain_text("le code postal")
    for field in ("#pseudo", "#age", "#postal"):
        expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
    assert run_axe(page) == []
    # 14. "tu", curly apostrophes, no break before ! ? : ;
    text = page.evaluate("() => document.body.innerText")
    assert " vous " not in f" {text.lower()} " and "'" not in text
    strings = page.evaluate(
        """async () => { const { t } = await import('/static/js/i18n.js');
        return [t('msg.empty'), t('entry.missing', {fields: 'x'}), t('age.step1')]; }"""
    )
    assert strings[0].endswith("Dis bonjour\u202f!")
    assert "\u00a0:" in strings[1] and "\u00a0:" in strings[2]
    enter(page, unique_pseudo("Compteur"))
    # the page's own words: what people wrote in the room ("Abonnez vous à ma chaine")
    # is theirs, not Papote's voice
    text = page.evaluate(
        """() => { let text = document.body.innerText;
        for (const m of document.querySelectorAll('#message-list .msg-text'))
          text = text.replace(m.innerText, '');
        return text; }"""
    )
    assert " vous " not in f" {text.lower()} ", text
    # 15. the composer stops at 1,000 characters, with a counter near the limit
    page.fill("#composer-input", "a" * 1200)
    expect(page.locator("#composer-input")).to_have_value("a" * 1000)
    expect(page.locator("#composer-count")).to_be_visible()
    expect(page.locator("#composer-count")).to_contain_text("1000 sur 1000")
    page.fill("#composer-input", "")
    expect(page.locator("#composer-count")).to_be_hidden()
    assert page_errors.errors == []


def test_keyboard_focus_skip_links_and_room_names(new_page, page_errors):
    page = _page(new_page, False, bypass_csp=True)
    enter(page, unique_pseudo("Clavier"))
    # 16. after entering, the composer has the focus
    expect(page.locator("#composer-input")).to_be_focused()
    general = page.locator("#room-list-theme [data-room=general]")
    name = general.evaluate(
        "el => el.innerText.replace(/\\s+/g, ' ') + '|' + el.textContent.replace(/\\s+/g, ' ')"
    )
    assert "Général, " in name and "personne" in name, name
    # skip links come first in the tab order (just before the top bar's buttons)
    page.locator("#lang-btn").focus()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#skip-links a[href='#pane-people']")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#skip-links a[href='#composer-input']")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#composer-input")).to_be_focused()
    # 18. the adults' room shows a lock and why, never a tick
    adults = page.locator(".room-btn.locked").first
    expect(adults.locator(".lock")).to_contain_text("18+")
    expect(adults).not_to_contain_text("✔")
    expect(adults).to_contain_text("verrouillé")  # for screen readers, and the title
    # 19. region names are never cut on a desktop
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.room-btn .name')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
    )
    assert cut == []
    # 9. private-message settings say they apply to new conversations
    page.click("#settings-btn")
    expect(page.locator("#prefs-dm-scope")).to_contain_text("nouvelles conversations")
    assert run_axe(page) == []
    page.keyboard.press("Escape")
    page.click("#quit-btn")
    expect(page.locator("#quit-dialog")).to_be_visible()
    assert run_axe(page) == []
    page.click("#quit-no")
    no_null_text(page)
    assert page_errors.errors == []


def test_phone_touch_targets_filters_and_keyboard(new_page, page_errors):
    page, other = new_page(phone=True, bypass_csp=True), new_page()
    other_name = unique_pseudo("Voisine")
    enter(other, other_name, gender="femme")
    enter(page, unique_pseudo("Pouce"))
    for i in range(12):
        say(other, f"ligne {i} pour remplir la liste")
    expect(page.locator("#message-list .msg-text", has_text="ligne 11 pour")).to_have_count(1)
    # 17. touch targets of at least 44 x 44
    for selector in (".msg-more", ".msg-author", ".msg-reply"):
        box = _box(page, f"#message-list .msg:not(.mine) {selector}")
        assert box["width"] >= 44 and box["height"] >= 44, (selector, box)
    # "Quitter" stands apart from "English", and asks first
    quit_box, lang_box = _box(page, "#quit-btn"), _box(page, "#lang-btn")
    assert quit_box["x"] - (lang_box["x"] + lang_box["width"]) > 40
    # the filters are folded; the region filter says what it hides, with a way out
    page.click("[data-pane-btn=people]")
    expect(page.locator("#filters")).to_be_hidden()
    scope = page.locator("#region-scope")
    expect(scope).to_contain_text("ta région")
    expect(scope.get_by_role("button", name="voir tout Papote")).to_be_visible()
    assert _box(page, "#people-list")["height"] > 400
    screenshot(page, "people-phone.png")
    assert run_axe(page) == []
    scope.get_by_role("button", name="voir tout Papote").click()
    expect(page.locator("#f-region")).to_have_value("")
    expect(scope).to_contain_text("tout Papote")
    page.locator("#filters-box summary").click()
    expect(page.locator("#filters")).to_be_visible()
    assert run_axe(page) == []
    # 8. a smaller visible area (the keyboard): the newest message stays in view
    page.click("[data-pane-btn=conv]")
    page.locator("#composer-input").focus()
    page.set_viewport_size({"width": 390, "height": 500})
    page.wait_for_timeout(300)
    assert on_screen(page, "#message-list .msg:last-child")
    assert on_screen(page, "#composer-input")
    screenshot(page, "chat-phone-short.png")
    assert page_errors.errors == []


def test_dm_from_a_tab_title_opens_the_card(new_page, page_errors):
    page, other = new_page(), new_page()
    other_name = unique_pseudo("Carte")
    enter(other, other_name, gender="autre")
    enter(page, unique_pseudo("Ouvre"))
    open_dm(page, other_name)
    expect(page.locator("#conv-topic")).to_contain_text("Autre")
    no_null_text(page)
    assert page_errors.errors == []
