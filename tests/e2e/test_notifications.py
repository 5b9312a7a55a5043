"""Notification sound and browser notifications: off by default, on and off from "Mon compte".

The page (``js/alerts.js``) plays two WebAudio notes (660 Hz then 880 Hz) on every new
message from someone else when the sound is on, and shows a ``Notification`` only while
the page is hidden, titled "Message privé de {pseudo}" with the first 140 characters of
the text as its body. Both choices are kept in ``localStorage`` (``papote.alerts``) and
read again on load, so they survive a reload.

An init script spies on ``window.Notification`` (a stand-in that records what would be
shown, with the real ``Notification.permission``), on ``AudioContext`` and on
``OscillatorNode.prototype.start``. Headless Chromium keeps every page visible (another
tab brought to the front or a minimised window does not change it), so the same script
lets the test set ``document.hidden`` and fire ``visibilitychange`` as a browser does
when the person switches to another tab.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import enter, say, unique_pseudo

pytestmark = pytest.mark.e2e

SPY = """
(() => {
  const log = { notes: [], starts: [], contexts: 0 };
  const instances = [];
  let hidden = false;
  Object.defineProperty(Document.prototype, "hidden", {
    configurable: true, get() { return hidden; },
  });
  Object.defineProperty(Document.prototype, "visibilityState", {
    configurable: true, get() { return hidden ? "hidden" : "visible"; },
  });
  const RealNotification = window.Notification;
  class SpyNotification extends EventTarget {
    constructor(title, options = {}) {
      super();
      const body = options.body ?? "";
      log.notes.push({
        title: String(title), body: String(body), tag: options.tag ?? null,
        silent: options.silent ?? null,
        loneSurrogate: !String(body).isWellFormed(),
      });
      instances.push(this);
    }
    static get permission() { return RealNotification.permission; }
    static requestPermission(...args) { return RealNotification.requestPermission(...args); }
    close() {}
  }
  window.Notification = SpyNotification;
  const RealAudioContext = window.AudioContext;
  window.AudioContext = class extends RealAudioContext {
    constructor(...args) { super(...args); log.contexts += 1; }
  };
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    log.starts.push(this.frequency.value);
    return start.apply(this, args);
  };
  window.__alertSpy = {
    log,
    setHidden(value) {
      hidden = value;
      document.dispatchEvent(new Event("visibilitychange"));
    },
    clickLast() { instances[instances.length - 1].dispatchEvent(new Event("click")); },
  };
})();
"""

SOUND = [660, 880]  # one sound: two oscillator notes


def _spied_page(new_page) -> Page:
    """A page (not yet loaded) whose context grants notifications and carries the spy."""
    page = new_page()
    page.context.grant_permissions(["notifications"])
    page.context.add_init_script(SPY)
    return page


def _log(page: Page) -> dict:
    return page.evaluate("() => window.__alertSpy.log")


def _set_hidden(page: Page, hidden: bool) -> None:
    page.evaluate("(h) => window.__alertSpy.setHidden(h)", hidden)
    assert page.evaluate("() => document.hidden") is hidden


def _open_dm(sender: Page, pseudo: str) -> None:
    sender.fill("#f-age-min", "18")
    sender.select_option("#f-region", "")
    sender.locator("#people-list .person-btn", has_text=pseudo).click()
    expect(sender.locator("#person-name")).to_have_text(pseudo)
    sender.click("#person-dm")
    expect(sender.locator("#conv-title")).to_contain_text(pseudo)


def _set_alerts(page: Page, sound: bool, notify: bool) -> None:
    """Through the real dialog, by its French labels."""
    page.get_by_role("button", name="Mon compte").click()
    expect(page.locator("#prefs-dialog")).to_be_visible()
    page.get_by_label("Son à chaque nouveau message").set_checked(sound)
    page.get_by_label("Notifications du navigateur").set_checked(notify)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#prefs-dialog")).to_be_hidden()
    expect(page.locator("#toast")).to_contain_text("Réglages enregistrés")


def _expect_alerts_shown(page: Page, sound: bool, notify: bool) -> None:
    page.get_by_role("button", name="Mon compte").click()
    expect(page.get_by_label("Son à chaque nouveau message")).to_be_checked(checked=sound)
    expect(page.get_by_label("Notifications du navigateur")).to_be_checked(checked=notify)
    page.get_by_role("button", name="Annuler").click()
    expect(page.locator("#prefs-dialog")).to_be_hidden()


def _two_people(new_page) -> tuple[Page, str, Page, str]:
    alice = _spied_page(new_page)
    bruno = new_page()
    a_name, b_name = unique_pseudo("Alice"), unique_pseudo("Bruno")
    enter(alice, a_name, gender="femme")
    enter(bruno, b_name, gender="homme")
    assert alice.evaluate("() => Notification.permission") == "granted"
    return alice, a_name, bruno, b_name


def test_off_by_default_no_notification_no_sound(new_page, page_errors):
    alice, a_name, bruno, b_name = _two_people(new_page)
    _expect_alerts_shown(alice, sound=False, notify=False)

    # Page in the background: a first private message, then a room message.
    _set_hidden(alice, True)
    _open_dm(bruno, a_name)
    say(bruno, "Coucou, tu es là ?")
    dm_tab = alice.locator(".tab.dm", has_text=b_name)
    expect(dm_tab.locator(".badge")).to_have_text("1")
    bruno.locator(".tab.room .tab-btn").first.click()
    say(bruno, "Bonjour tout le monde")
    expect(alice).to_have_title("(2) Papote")  # Général active but hidden: counted too

    # Page in the front, another conversation active: a second private message.
    _set_hidden(alice, False)
    expect(alice).to_have_title("(1) Papote")
    bruno.locator(".tab.dm .tab-btn").click()
    say(bruno, "Toujours là ?")
    expect(dm_tab.locator(".badge")).to_have_text("2")

    log = _log(alice)
    assert log["notes"] == []
    assert log["starts"] == []
    assert log["contexts"] == 0  # not even an AudioContext
    assert page_errors.errors == []


def test_turned_on_one_notification_with_preview_and_one_sound_then_off(new_page, page_errors):
    alice, a_name, bruno, b_name = _two_people(new_page)
    _set_alerts(alice, sound=True, notify=True)
    assert _log(alice)["notes"] == [] and _log(alice)["starts"] == []

    # In the background: exactly one notification and one sound.
    secret = "SUITE_PRIVEE_QUI_NE_DOIT_PAS_SORTIR"
    text = ("Salut, voici un long message privé qui dépasse la taille de l’aperçu. " * 3)[:150]
    text = f"{text} {secret}"
    _set_hidden(alice, True)
    _open_dm(bruno, a_name)
    say(bruno, text)
    dm_tab = alice.locator(".tab.dm", has_text=b_name)
    expect(dm_tab.locator(".badge")).to_have_text("1")
    log = _log(alice)
    assert log["notes"] == [
        {
            "title": f"Message privé de {b_name}",
            "body": text[:140],
            "tag": "papote",
            "silent": True,
            "loneSurrogate": False,
        }
    ]
    shown = log["notes"][0]["title"] + log["notes"][0]["body"]
    assert secret not in shown and a_name not in shown
    assert log["starts"] == SOUND

    # Clicking the notification opens the conversation; coming back clears its badge.
    alice.evaluate("() => window.__alertSpy.clickLast()")
    expect(alice.locator("#conv-title")).to_contain_text(b_name)
    _set_hidden(alice, False)
    expect(dm_tab.locator(".badge")).to_have_count(0)
    expect(alice.locator("#message-list .msg-text", has_text=secret)).to_have_count(1)

    # In the front: the sound plays again, but no notification (only when hidden).
    say(bruno, "Tu me vois ?")
    expect(alice.locator("#message-list .msg-text", has_text="Tu me vois ?")).to_have_count(1)
    log = _log(alice)
    assert len(log["notes"]) == 1
    assert log["starts"] == SOUND * 2

    # Turned off again: neither sound nor notification, in the background.
    _set_alerts(alice, sound=False, notify=False)
    alice.locator(".tab.room .tab-btn").first.click()
    _set_hidden(alice, True)
    say(bruno, "Et maintenant ?")
    expect(dm_tab.locator(".badge")).to_have_text("1")
    log = _log(alice)
    assert len(log["notes"]) == 1
    assert log["starts"] == SOUND * 2
    assert page_errors.errors == []


def test_preview_cut_does_not_split_a_character(new_page, page_errors):
    alice, a_name, bruno, b_name = _two_people(new_page)
    _set_alerts(alice, sound=False, notify=True)
    # The 140th character is an emoji (two UTF-16 units): it is kept whole or dropped.
    text = "a" * 139 + "🙂 et la suite"
    _set_hidden(alice, True)
    _open_dm(bruno, a_name)
    say(bruno, text)
    expect(alice.locator(".tab.dm", has_text=b_name).locator(".badge")).to_have_text("1")
    log = _log(alice)
    assert len(log["notes"]) == 1
    assert log["notes"][0]["loneSurrogate"] is False
    assert log["notes"][0]["body"] == text[:140]
    assert log["starts"] == []  # sound left off
    assert page_errors.errors == []


def test_choice_persists_across_reload(new_page, page_errors):
    alice, a_name, bruno, b_name = _two_people(new_page)
    _set_alerts(alice, sound=True, notify=True)
    alice.reload()
    alice.wait_for_selector("#chat-view:not([hidden])")
    expect(alice.get_by_role("button", name="Mon compte")).to_be_visible()
    assert _log(alice) == {"notes": [], "starts": [], "contexts": 0}  # a fresh page
    _expect_alerts_shown(alice, sound=True, notify=True)

    _set_hidden(alice, True)
    _open_dm(bruno, a_name)
    say(bruno, "Après le rechargement")
    expect(alice.locator(".tab.dm", has_text=b_name).locator(".badge")).to_have_text("1")
    log = _log(alice)
    assert [n["title"] for n in log["notes"]] == [f"Message privé de {b_name}"]
    assert log["notes"][0]["body"] == "Après le rechargement"
    assert log["starts"] == SOUND

    # Off, reloaded: stays off.
    _set_hidden(alice, False)
    _set_alerts(alice, sound=False, notify=False)
    alice.reload()
    alice.wait_for_selector("#chat-view:not([hidden])")
    _expect_alerts_shown(alice, sound=False, notify=False)
    _set_hidden(alice, True)
    say(bruno, "Encore après")
    expect(alice.locator(".tab.dm", has_text=b_name).locator(".badge")).to_have_text("1")
    log = _log(alice)
    assert log["notes"] == [] and log["starts"] == []
    assert page_errors.errors == []


def test_room_messages_neither_ring_nor_notify(new_page, page_errors):
    alice, _, bruno, _ = _two_people(new_page)
    _set_alerts(alice, sound=True, notify=True)
    _set_hidden(alice, True)
    bruno.locator(".tab.room .tab-btn").first.click()
    say(bruno, "Bonjour tout le monde")
    expect(alice).to_have_title("(1) Papote")  # counted as unread, but silent
    log = _log(alice)
    assert log["notes"] == []
    assert log["starts"] == []
    assert page_errors.errors == []
