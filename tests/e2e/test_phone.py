"""A 390 px wide phone: one column, sections behind a bottom tab bar."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import enter, say, screenshot, unique_pseudo

pytestmark = pytest.mark.e2e


def test_phone_layout_is_one_column_with_tabs(new_page, page_errors):
    phone = new_page(phone=True)
    phone.goto("/")
    screenshot(phone, "entry-phone.png")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390

    other = new_page()
    other_name = unique_pseudo("Fanny")
    enter(other, other_name, gender="femme")
    name = unique_pseudo("Gael")
    enter(phone, name)
    say(other, "Coucou depuis un ordinateur")
    say(
        phone,
        "Coucou depuis un téléphone, avec un message un peu long pour voir le retour à la ligne",
    )
    expect(phone.locator("#message-list .msg-text", has_text="ordinateur")).to_have_count(1)

    # The conversation fills the screen; rooms and people are one tap away.
    expect(phone.locator("#pane-conv")).to_be_visible()
    expect(phone.locator("#pane-rooms")).to_be_hidden()
    expect(phone.locator("#pane-people")).to_be_hidden()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    box = phone.locator("#composer").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    screenshot(phone, "chat-phone.png")

    phone.click("[data-pane-btn=people]")
    expect(phone.locator("#pane-people")).to_be_visible()
    expect(phone.locator("#pane-conv")).to_be_hidden()
    expect(phone.locator("#people-list .person-btn", has_text=other_name)).to_be_visible()
    screenshot(phone, "people-phone.png")

    phone.click("[data-pane-btn=rooms]")
    expect(phone.locator("#pane-rooms")).to_be_visible()
    phone.locator("#room-list-theme [data-room=general]").click()
    expect(phone.locator("#pane-conv")).to_be_visible()
    assert page_errors.errors == []
