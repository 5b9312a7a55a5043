"""A minor's safety notices on a phone: shown in the conversation, one at a time, and
the composer and the last message stay on screen (issue 13, point 1)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import enter, on_screen, open_dm, run_axe, say, screenshot, unique_pseudo

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_minor_notices_never_push_the_conversation_off_screen(new_page, page_errors, phone):
    # Device signals of its own (the shared server flags a possible minor by session).
    rose = new_page(phone=phone, bypass_csp=True)
    if not phone:
        rose.set_viewport_size({"width": 1366, "height": 800})
    marc = new_page()
    rose_name, marc_name = unique_pseudo("Rose"), unique_pseudo("Marc")
    enter(rose, rose_name, age=19, gender="femme", postal="69003")
    enter(marc, marc_name, age=41, postal="69002")
    open_dm(marc, rose_name)
    say(marc, "salut, ça va ?")
    dm_tab = rose.locator(".tab.dm", has_text=marc_name)
    expect(dm_tab).to_have_count(1)
    dm_tab.locator(".tab-btn").click()
    say(rose, "oui et toi")
    say(marc, "tu as quel âge ?")
    expect(rose.locator("#message-list .msg-text", has_text="quel âge")).to_have_count(1)
    say(rose, "mais j'ai 14 ans")

    notices = rose.locator("#notices .notice")
    expect(rose.locator("#notices .notice-help")).to_contain_text("3018")
    expect(notices).to_have_count(1)  # one at a time
    expect(notices).to_contain_text("1 sur 3")  # help, first contact, this conversation
    # the last message and the composer are both on screen, nothing covers them
    last = "#message-list .msg:last-child"
    expect(rose.locator(last)).to_contain_text("j'ai 14 ans")
    assert on_screen(rose, "#composer-input")
    assert on_screen(rose, "#send-btn")
    assert on_screen(rose, last)
    notices_box = rose.locator("#notices").bounding_box()
    last_box = rose.locator(last).bounding_box()
    composer_box = rose.locator("#composer").bounding_box()
    assert notices_box and last_box and composer_box
    assert notices_box["y"] + notices_box["height"] <= last_box["y"] + 0.5
    assert last_box["y"] + last_box["height"] <= composer_box["y"] + 0.5
    list_box = rose.locator("#message-list").bounding_box()
    assert list_box and list_box["height"] >= 120, list_box
    view = "phone" if phone else "desktop"
    screenshot(rose, f"minor-notices-{view}.png")

    # the next notice names the person of the conversation
    rose.locator("#notices").get_by_role("button", name="Avis suivant").click()
    expect(notices).to_contain_text(marc_name)
    # collapsible: one line, and back
    rose.locator("#notices").get_by_role("button", name="Réduire").click()
    expect(notices).to_contain_text("3 avis de sécurité")
    collapsed = rose.locator("#notices").bounding_box()
    assert collapsed and collapsed["height"] < 80
    screenshot(rose, f"minor-notices-collapsed-{view}.png")
    assert run_axe(rose) == []
    rose.locator("#notices").get_by_role("button", name="Lire").click()
    expect(notices).to_contain_text("2 sur 3")

    # in another conversation, only the notices that concern it (the help one) remain
    rose.locator(".tab.room .tab-btn").first.click()
    expect(notices).to_have_count(1)
    expect(rose.locator("#notices .notice-help")).to_have_count(1)
    expect(notices).not_to_contain_text("1 sur")
    assert on_screen(rose, "#composer-input")
    # and they never appear as messages
    expect(rose.locator("#message-list")).not_to_contain_text("3018")
    assert page_errors.errors == []
