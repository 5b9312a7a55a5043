"""The entry challenge in the page (Chromium): a person behind a busy shared address
gets in after a proof of work the page solves by itself, under the page's own CSP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.helpers import enter
from tests.serverproc import RELAXED, ServerProcess
from tests.wsclient import unique_pseudo

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def busy_server() -> Iterator[ServerProcess]:
    """No trusted network, and a prefix threshold of one entry a minute."""
    env = {
        **RELAXED,
        "PAPOTE_TRUSTED_NETWORKS": "",
        "PAPOTE_CHALLENGE_ENTRY_PREFIX": "1/minute",
    }
    server = ServerProcess(env).start()
    yield server
    server.stop()


def test_entry_challenge_is_solved_by_the_page(new_page, busy_server, page_errors):
    page = new_page(url=busy_server.url)
    statuses: list[tuple[int, str]] = []
    page.on(
        "response",
        lambda r: statuses.append((r.status, r.url)) if "/api/v1/" in r.url else None,
    )
    # Chromium without a head says "HeadlessChrome": a program's browser, challenged
    # at once; a second person from the same address would be challenged anyway.
    enter(page, unique_pseudo("Ines"))
    entries = [s for s, url in statuses if url.endswith("/api/v1/session")]
    assert entries[0] == 428 and entries[-1] == 201, statuses
    assert any(url.endswith("/api/v1/challenge") and s == 200 for s, url in statuses)
    assert page.locator("#entry-challenge").is_hidden()
    csp = [e for e in page_errors.errors if "Content Security Policy" in e or "Trusted" in e]
    assert not csp, page_errors.errors
    assert not page_errors.errors, page_errors.errors


def test_a_household_gets_in_one_after_the_other(new_page, busy_server, page_errors):
    for name in ("Papa", "Maman", "Leo"):
        page = new_page(url=busy_server.url)
        enter(page, unique_pseudo(name), age=19 if name == "Leo" else 45)
        assert page.locator("#chat-view").is_visible()
    assert not page_errors.errors, page_errors.errors


def test_markup_still_throws_after_the_widget_loaded(new_page, busy_server, page_errors):
    """The widget's "default" Trusted Types policy lets plain text through, never markup."""
    page = new_page(url=busy_server.url)
    enter(page, unique_pseudo("Sami"))
    outcome = page.evaluate(
        """() => {
            const box = document.createElement('div');
            box.innerHTML = 'texte simple';  // plain text: let through
            try { box.innerHTML = '<img src=x onerror=alert(1)>'; return 'injected'; }
            catch (e) { return box.textContent === 'texte simple' ? 'refused' : 'odd'; }
        }"""
    )
    assert outcome == "refused"
    assert page.evaluate("() => window.trustedTypes.defaultPolicy !== null")
