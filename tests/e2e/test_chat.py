"""Two people in a room, a private conversation, unread badges, report and block."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import enter, say, screenshot, unique_pseudo

pytestmark = pytest.mark.e2e

XSS = "<img src=x onerror=alert(1)> <script>alert(2)</script> <b>gras</b>"


def _messages(page: Page):
    return page.locator("#message-list .msg-text")


def _open_profile_from_people(page: Page, pseudo: str) -> None:
    page.fill("#f-age-min", "18")
    page.select_option("#f-region", "")
    page.locator("#people-list .person-btn", has_text=pseudo).click()
    expect(page.locator("#person-dialog")).to_be_visible()
    expect(page.locator("#person-name")).to_have_text(pseudo)


def test_two_people_chat_dm_unread_report_block(new_page, page_errors):
    alice, bruno = new_page(), new_page()
    a_name, b_name = unique_pseudo("Alice"), unique_pseudo("Bruno")
    enter(alice, a_name, age=31, gender="femme")
    enter(bruno, b_name, age=35, gender="homme")

    # Both land in Général and see each other in the people list (default: my region).
    expect(alice.locator("#f-region")).to_have_value("Île-de-France")
    expect(alice.locator("#people-list .person-btn", has_text=b_name)).to_be_visible()
    expect(alice.locator("#room-list-theme [data-room=general] .count")).not_to_have_text("0")

    # Room chat, and user text always rendered as text.
    say(alice, "Bonjour tout le monde")
    expect(_messages(bruno).filter(has_text="Bonjour tout le monde")).to_have_count(1)
    say(bruno, XSS)
    expect(_messages(alice).filter(has_text="onerror=alert(1)")).to_have_count(1)
    expect(_messages(alice).last).to_have_text(XSS)
    assert alice.locator("#message-list img, #message-list script, #message-list b").count() == 0
    assert page_errors.dialogs == []
    expect(bruno.locator("#composer-input")).to_have_value("")

    # Typing indicator (the server forwards one typing event per person and conversation
    # every 2.5 s, and Alice's last one went out as she typed her first message).
    alice.wait_for_timeout(3_000)
    alice.fill("#composer-input", "j'écris")
    alice.locator("#composer-input").press_sequentially("…")
    expect(bruno.locator("#typing")).to_contain_text(a_name)
    alice.fill("#composer-input", "")

    # Bruno opens a private conversation with Alice from the people list.
    _open_profile_from_people(bruno, a_name)
    bruno.click("#person-dm")
    expect(bruno.locator("#conv-title")).to_contain_text(a_name)
    say(bruno, "Salut Alice, en privé")
    expect(
        bruno.locator("#message-list .msg-text", has_text="Salut Alice, en privé")
    ).to_have_count(1)

    # Alice gets a tab with an unread badge and the count in the browser tab's title.
    dm_tab = alice.locator(".tab.dm", has_text=b_name)
    expect(dm_tab.locator(".badge")).to_have_text("1")
    expect(alice).to_have_title(re.compile(r"^\(1\) Papote$"))
    say(bruno, "Tu me lis ?")
    expect(dm_tab.locator(".badge")).to_have_text("2")
    expect(alice).to_have_title("(2) Papote")
    screenshot(alice, "chat-desktop.png")
    dm_tab.locator(".tab-btn").click()
    expect(_messages(alice).filter(has_text="Salut Alice, en privé")).to_have_count(1)
    expect(dm_tab.locator(".badge")).to_have_count(0)
    expect(alice).to_have_title("Papote")
    say(alice, "Oui, bonjour Bruno")
    expect(_messages(bruno).filter(has_text="Oui, bonjour Bruno")).to_have_count(1)

    # Alice reports Bruno's message with a category and a comment.
    alice.locator("#message-list .msg", has_text="Tu me lis ?").locator(".msg-more").click()
    expect(alice.locator("#message-dialog")).to_be_visible()
    alice.click("#message-report")
    expect(alice.locator("#report-dialog")).to_be_visible()
    # the 13 categories, after a placeholder: no reason is preselected
    expect(alice.locator("#report-reason option")).to_have_count(14)
    expect(alice.locator("#report-reason")).to_have_value("")
    expect(alice.locator("#report-reason option[value=grooming]")).to_have_text(
        "Approche d’un mineur (pédopiégeage)"
    )
    alice.select_option("#report-reason", "harassment")
    alice.fill("#report-comment", "Il insiste en privé.")
    alice.click("#report-form button[type=submit]")
    expect(alice.locator("#report-dialog")).to_be_hidden()
    expect(alice.locator("#toast")).to_contain_text("Signalement envoyé")

    # Alice blocks Bruno from his profile: his messages disappear and no longer arrive.
    alice.locator(".tab.room .tab-btn").first.click()
    alice.locator("#message-list .msg-author", has_text=b_name).first.click()
    expect(alice.locator("#person-dialog")).to_be_visible()
    alice.click("#person-block")
    expect(alice.locator("#toast")).to_contain_text("bloqué")
    expect(alice.locator("#message-list .msg-author", has_text=b_name)).to_have_count(0)
    expect(alice.locator(".tab.dm", has_text=b_name)).to_have_count(0)
    bruno.locator(".tab.room .tab-btn").first.click()
    say(bruno, "Message après le blocage")
    expect(_messages(bruno).filter(has_text="Message après le blocage")).to_have_count(1)
    say(alice, "Contrôle après le blocage")
    expect(_messages(bruno).filter(has_text="Contrôle après le blocage")).to_have_count(1)
    expect(_messages(alice).filter(has_text="Contrôle après le blocage")).to_have_count(1)
    expect(_messages(alice).filter(has_text="Message après le blocage")).to_have_count(0)
    expect(alice.locator("#people-list .person-btn", has_text=b_name)).to_have_count(0)

    # The block is listed in the settings, where it can be lifted.
    alice.click("#settings-btn")
    expect(alice.locator("#blocked-list")).to_contain_text(b_name)
    alice.click("#prefs-cancel")

    # A private message to someone who blocked you is refused, next to the composer.
    bruno.locator(".tab.dm .tab-btn").click()
    say(bruno, "Encore moi")
    expect(bruno.locator("#composer-status")).not_to_be_empty()
    expect(_messages(bruno).filter(has_text="Encore moi")).to_have_count(0)
    assert page_errors.errors == []


def test_dm_preferences_refuse_everyone(new_page, page_errors):
    claire, denis = new_page(), new_page()
    c_name, d_name = unique_pseudo("Claire"), unique_pseudo("Denis")
    enter(claire, c_name, gender="femme")
    enter(denis, d_name, gender="homme")

    claire.click("#settings-btn")
    expect(claire.locator("#prefs-dialog")).to_be_visible()
    claire.check("#p-accept-none")
    expect(claire.locator("#p-g-homme")).to_be_disabled()
    claire.click("#prefs-form button[type=submit]")
    expect(claire.locator("#prefs-dialog")).to_be_hidden()
    expect(claire.locator("#toast")).to_contain_text("Réglages enregistrés")

    _open_profile_from_people(denis, c_name)
    denis.click("#person-dm")
    say(denis, "Bonjour Claire")
    status = denis.locator("#composer-status")
    expect(status).not_to_be_empty()
    expect(_messages(denis).filter(has_text="Bonjour Claire")).to_have_count(0)
    expect(claire.locator(".tab.dm")).to_have_count(0)

    # Back to "everyone but men": still refused for Denis, accepted for a woman.
    claire.click("#settings-btn")
    expect(claire.locator("#p-accept-none")).to_be_checked()
    claire.check("#p-accept-all")
    claire.uncheck("#p-g-homme")
    claire.click("#prefs-form button[type=submit]")
    expect(claire.locator("#prefs-dialog")).to_be_hidden()
    say(denis, "Et maintenant ?")
    expect(status).not_to_be_empty()
    expect(claire.locator(".tab.dm")).to_have_count(0)
    assert page_errors.errors == []


def test_leaving_ends_the_session(new_page, base_url):
    page = new_page()
    enter(page, unique_pseudo("Emile"))
    token = page.evaluate("() => sessionStorage.getItem('papote.session')")
    assert token
    page.click("#quit-btn")
    page.click("#quit-yes")
    expect(page.locator("#ended-view")).to_be_visible()
    expect(page.locator("#ended-text")).to_contain_text("Tu as quitté Papote")
    assert page.evaluate("() => sessionStorage.getItem('papote.session')") is None
    # The token no longer opens a session.
    page.goto("/")
    page.evaluate("t => sessionStorage.setItem('papote.session', t)", token)
    page.reload()
    expect(page.locator("#entry-view")).to_be_visible()
    expect(page.locator("#entry-error")).to_contain_text("expiré")


def test_people_filters_gender_age_region(new_page, page_errors):
    paul, rose, yann = new_page(), new_page(), new_page()
    p_name, r_name, y_name = unique_pseudo("Paul"), unique_pseudo("Rose"), unique_pseudo("Yann")
    enter(paul, p_name, age=45, gender="homme")
    enter(rose, r_name, age=25, gender="femme")
    enter(yann, y_name, age=52, gender="homme", postal="69001")
    people = paul.locator("#people-list .person-btn")

    # Default: my region. Yann (Lyon) is not listed, Rose (Paris) is.
    expect(paul.locator("#f-region")).to_have_value("Île-de-France")
    expect(people.filter(has_text=r_name)).to_have_count(1)
    expect(people.filter(has_text=y_name)).to_have_count(0)
    paul.select_option("#f-region", "")
    expect(people.filter(has_text=y_name)).to_have_count(1)
    expect(paul.locator("#people-count")).to_contain_text("personnes")

    paul.select_option("#f-gender", "femme")
    expect(people.filter(has_text=r_name)).to_have_count(1)
    expect(people.filter(has_text=y_name)).to_have_count(0)
    expect(people.filter(has_text=p_name)).to_have_count(0)

    paul.select_option("#f-gender", "")
    paul.fill("#f-age-min", "50")
    expect(people.filter(has_text=y_name)).to_have_count(1)
    expect(people.filter(has_text=r_name)).to_have_count(0)

    # Scope "current room": the members of Général.
    paul.fill("#f-age-min", "18")
    paul.select_option("#f-scope", "room")
    expect(people.filter(has_text=r_name)).to_have_count(1)
    assert page_errors.errors == []


def test_a_warned_message_asks_for_confirmation(new_page, page_errors):
    # a phone number in a room asks for confirmation (an insult is refused outright now)
    risky = "Appelle-moi au 06 12 34 56 78 pour le covoiturage de samedi"
    # One person sends it anyway.
    page = new_page()
    enter(page, unique_pseudo("Sacha"))
    say(page, risky)
    status = page.locator("#composer-status")
    expect(status.get_by_role("button", name="Envoyer quand même")).to_be_visible()
    expect(status.get_by_role("button", name="Modifier")).to_be_visible()
    expect(page.locator("#message-list .msg-text", has_text=risky)).to_have_count(0)
    status.get_by_role("button", name="Envoyer quand même").click()
    expect(page.locator("#message-list .msg-text", has_text=risky)).to_have_count(1)
    expect(status).to_be_empty()

    # Another thinks again: the text comes back to the composer, nothing is sent.
    other = new_page()
    enter(other, unique_pseudo("Remi"))
    say(other, risky + " fini")
    other_status = other.locator("#composer-status")
    other_status.get_by_role("button", name="Modifier").click()
    expect(other.locator("#composer-input")).to_have_value(risky + " fini")
    expect(other.locator("#composer-input")).to_be_focused()
    expect(other_status).to_be_empty()
    expect(other.locator("#message-list .msg-text", has_text=risky + " fini")).to_have_count(0)
    assert page_errors.errors == []


def test_safety_notice_is_shown_apart_from_messages(new_page, page_errors):
    tom, ursule = new_page(), new_page()
    t_name, u_name = unique_pseudo("Tom"), unique_pseudo("Ursule")
    enter(tom, t_name)
    enter(ursule, u_name, gender="femme")
    _open_profile_from_people(tom, u_name)
    tom.click("#person-dm")
    say(tom, "Bonjour Ursule")
    # First private message: the recipient gets a safety notice, never as a message,
    # in the conversation it is about (and naming the person).
    ursule.locator(".tab.dm .tab-btn").click()
    notice = ursule.locator("#notices .notice", has_text="Premier message privé")
    expect(notice).to_contain_text("Premier message privé", timeout=3_000)
    expect(notice).to_contain_text(t_name)
    expect(ursule.locator("#message-list")).not_to_contain_text("Premier message privé")
    ursule.locator(".tab.room .tab-btn").first.click()
    expect(notice).to_have_count(0)
    ursule.locator(".tab.dm .tab-btn").click()
    notice.get_by_role("button", name="Masquer").click()
    expect(notice).to_have_count(0)


def test_room_counts_follow_the_rooms_event(new_page, page_errors):
    """Someone joins a room the watcher is not in: only the `rooms` event (about every
    5 s) can tell the watcher's page, which must show the same count."""
    watcher = new_page()
    enter(watcher, unique_pseudo("Compte"))
    joiner = new_page()
    enter(joiner, unique_pseudo("Cuisto"))
    joiner.locator("#room-list-theme [data-room=cuisine]").click()
    expect(joiner.locator("#conv-title")).to_have_text("Cuisine")
    theirs = joiner.locator("#room-list-theme [data-room=cuisine] .count")
    expect(theirs).not_to_have_text("0")
    count = theirs.inner_text()
    mine = watcher.locator("#room-list-theme [data-room=cuisine] .count")
    expect(mine).to_have_text(count, timeout=15_000)
    # and back down when they leave
    joiner.locator(".tab", has_text="Cuisine").locator(".tab-close").click()
    expect(mine).to_have_text(str(int(count) - 1), timeout=15_000)
    assert page_errors.errors == []
