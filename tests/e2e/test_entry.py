"""The entry form: commune shown as typed, refusals explained, rules, one click to chat."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from .helpers import enter, screenshot, unique_pseudo

pytestmark = pytest.mark.e2e


def test_entry_shows_the_commune_and_enters_in_one_click(new_page, page_errors):
    page = new_page()
    page.goto("/")
    expect(page).to_have_title("Papote")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#rules-title")).to_have_text("Les règles de la maison")
    expect(page.locator(".rules li")).to_have_count(3)
    page.fill("#postal", "75011")
    expect(page.locator("#postal-result")).to_contain_text("Paris")
    expect(page.locator("#postal-result")).to_contain_text("Île-de-France")
    page.fill("#postal", "99999")
    expect(page.locator("#postal")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#postal-result")).to_have_class("postal-result bad")
    page.fill("#pseudo", unique_pseudo("Marin"))
    page.fill("#age", "34")
    page.click("label[for=g-homme]")
    page.fill("#postal", "69001")
    expect(page.locator("#postal-result")).to_contain_text("Lyon")
    screenshot(page, "entry-desktop.png")
    page.click("#entry-submit")
    expect(page.locator("#chat-view")).to_be_visible()
    expect(page.locator("#conv-title")).to_have_text("Général")
    assert page_errors.errors == []


def test_refusals_are_explained_in_french(new_page, base_url):
    page = new_page()
    taken = unique_pseudo("Pris")
    enter(new_page(), taken)

    page.goto("/")
    page.fill("#pseudo", taken.upper())
    page.fill("#age", "30")
    page.click("label[for=g-femme]")
    page.fill("#postal", "75011")
    page.click("#entry-submit")
    expect(page.locator("#entry-error")).not_to_be_empty()
    expect(page.locator("#pseudo")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#chat-view")).to_be_hidden()
    api = httpx.post(
        f"{base_url}/api/v1/session",
        json={"pseudo": taken, "age": 30, "gender": "femme", "postal_code": "75011"},
    )
    assert api.status_code == 409 and api.json()["error"]["code"] == "pseudo_taken"
    # the page's own wording of the server's code, in its voice ("tu")
    expect(page.locator("#entry-error")).to_have_text(
        "Ce pseudo est déjà pris par quelqu’un en ligne. Choisis-en un autre."
    )

    page.fill("#pseudo", unique_pseudo("Libre"))
    page.fill("#postal", "99999")
    page.click("#entry-submit")
    expect(page.locator("#postal")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#entry-error")).not_to_be_empty()
    expect(page.locator("#chat-view")).to_be_hidden()
    # said once: in the alert, not under the field as well
    expect(page.locator("#postal-result")).to_be_empty()
    assert page.get_by_text("code postal n’existe pas").count() == 1


def test_underage_is_refused_and_the_refusal_sticks(browser, base_url):
    # Its own device signals (locale, screen), so the 24-hour device lock it triggers
    # does not reach the other tests' browsers.
    context = browser.new_context(
        base_url=base_url,
        locale="fr-CA",
        viewport={"width": 1000, "height": 700},
        screen={"width": 1001, "height": 701},
    )
    try:
        page = context.new_page()
        page.goto("/")
        page.fill("#pseudo", unique_pseudo("Jeune"))
        page.fill("#age", "14")
        page.click("label[for=g-femme]")
        page.fill("#postal", "75011")
        page.click("#entry-submit")
        expect(page.locator("#entry-error")).to_contain_text("18")
        expect(page.locator("#age")).to_have_attribute("aria-invalid", "true")
        # Where to find help, with a phone number to call.
        expect(page.locator("#entry-error a[href='tel:3018']")).to_have_count(1)
        expect(page.locator("#entry-error a[href^='https://']").first).to_be_visible()
        screenshot(page, "entry-underage.png")
        page.fill("#age", "18")
        page.click("#entry-submit")
        expect(page.locator("#entry-error")).not_to_be_empty()
        expect(page.locator("#chat-view")).to_be_hidden()
    finally:
        context.close()


def test_rules_page_is_static_french_and_linked(new_page, page_errors):
    page = new_page()
    page.goto("/")
    page.click("text=Lire les règles complètes")
    expect(page.locator("h1")).to_have_text("Les règles de Papote")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h2")).to_have_count(9)
    assert page.locator("script").count() == 0
    assert page_errors.errors == []


def test_english_switch(new_page):
    page = new_page()
    page.goto("/")
    page.click("#lang-btn")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("label[for=pseudo]")).to_have_text("Nickname")
    expect(page.locator("#entry-submit")).to_have_text("Enter the chat")
    page.reload()
    expect(page.locator("label[for=pseudo]")).to_have_text("Nickname")
    page.click("#lang-btn")
    expect(page.locator("label[for=pseudo]")).to_have_text("Pseudo")


def test_english_switch_in_the_chat(new_page, page_errors):
    page = new_page()
    enter(page, unique_pseudo("Zoe"), gender="femme")
    page.click("#lang-btn")
    expect(page.locator("#quit-btn")).to_have_text("Leave")
    expect(page.locator("#rooms-title")).to_have_text("Rooms")
    expect(page.locator("#me")).to_contain_text("Signed in")
    expect(page.locator("#people-count")).to_have_text(re.compile(r"(people|person|Nobody)"))
    page.click("#settings-btn")
    expect(page.locator("#prefs-title")).to_have_text("My account")
    expect(page.locator("#age-open")).to_have_text("Prove I am 18")
    page.keyboard.press("Escape")
    page.click("#lang-btn")
    expect(page.locator("#quit-btn")).to_have_text("Quitter")
    assert page_errors.errors == []
