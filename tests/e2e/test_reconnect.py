"""A dropped connection: the page says so, reconnects, and shows what was missed once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .helpers import enter, say, unique_pseudo

pytestmark = pytest.mark.e2e


def test_reconnect_fills_in_missed_messages_without_duplicates(new_page, page_errors):
    hana, ivan = new_page(), new_page()
    enter(hana, unique_pseudo("Hana"), gender="femme")
    enter(ivan, unique_pseudo("Ivan"))
    say(ivan, "Avant la coupure")
    expect(hana.locator("#message-list .msg-text", has_text="Avant la coupure")).to_have_count(1)

    # Drop Hana's socket and keep her offline for 3 s while Ivan talks.
    hana.evaluate("() => window.papote.drop(3000)")
    banner = hana.locator("#conn-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Connexion perdue")
    say(ivan, "Pendant la coupure 1")
    say(ivan, "Pendant la coupure 2")
    expect(ivan.locator("#message-list .msg-text", has_text="Pendant la coupure 2")).to_have_count(
        1
    )

    expect(banner).to_contain_text("Connexion rétablie", timeout=15_000)
    for text in ("Avant la coupure", "Pendant la coupure 1", "Pendant la coupure 2"):
        expect(hana.locator("#message-list .msg-text", has_text=text)).to_have_count(1)
    ids = hana.eval_on_selector_all("#message-list .msg", "els => els.map(e => e.dataset.id)")
    assert len(ids) == len(set(ids))

    # The link works again in both directions.
    say(hana, "De retour")
    expect(ivan.locator("#message-list .msg-text", has_text="De retour")).to_have_count(1)
    say(ivan, "Bon retour")
    expect(hana.locator("#message-list .msg-text", has_text="Bon retour")).to_have_count(1)
    expect(banner).to_be_hidden(timeout=5_000)
    assert page_errors.errors == []


def test_reload_resumes_the_session(new_page, page_errors):
    page = new_page()
    name = unique_pseudo("Jade")
    enter(page, name, gender="femme")
    say(page, "Avant la pause")
    page.reload()
    expect(page.locator("#chat-view")).to_be_visible()
    expect(page.locator("#me")).to_contain_text(name)
    expect(page.locator("#message-list .msg-text", has_text="Avant la pause")).to_have_count(1)
    assert page_errors.errors == []


def test_server_restart_reconnects_and_resumes(new_page, fresh_server, page_errors):
    fresh_server.start()
    kate, leo = new_page(url=fresh_server.url), new_page(url=fresh_server.url)
    k_name = unique_pseudo("Kate")
    enter(kate, k_name, gender="femme")
    enter(leo, unique_pseudo("Leo"))
    say(leo, "Avant le redémarrage")
    expect(kate.locator("#message-list .msg-text", has_text="Avant le redémarrage")).to_have_count(
        1
    )

    # A graceful stop sends `reconnect` then closes with 1012; the page says so.
    fresh_server.stop()
    banner = kate.locator("#conn-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(re.compile("redémarre|Connexion perdue"))
    fresh_server.start()

    expect(banner).to_contain_text("Connexion rétablie", timeout=20_000)
    expect(leo.locator("#conn-banner")).to_contain_text("Connexion rétablie", timeout=20_000)
    expect(kate.locator("#me")).to_contain_text(k_name)
    say(leo, "Après le redémarrage")
    expect(kate.locator("#message-list .msg-text", has_text="Après le redémarrage")).to_have_count(
        1
    )
    expect(kate.locator("#message-list .msg-text", has_text="Avant le redémarrage")).to_have_count(
        1
    )
    # While the server is down, the browser logs the refused connection attempts.
    assert [e for e in page_errors.errors if "ERR_CONNECTION_REFUSED" not in e] == []
