"""Anonymous age verification in the page, end to end, with the development issuer.

A server of its own trusts a key pair made by ``papote age-attest keygen``; the test
plays the provider: it reads the nonce the page shows, signs an attestation over it
with ``papote age-attest issue`` and pastes it, as a person would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.ageissuer import issue as issue_attestation
from tests.ageissuer import make_key, server_trusting
from tests.serverproc import ServerProcess

from .helpers import enter, run_axe, say, screenshot, unique_pseudo

pytestmark = pytest.mark.e2e

ISSUER = "dev"


@pytest.fixture(scope="module")
def issuer_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_key(tmp_path_factory.mktemp("dev-issuer"))


@pytest.fixture(scope="module")
def age_server(issuer_key: Path) -> Iterator[ServerProcess]:
    server = server_trusting(issuer_key, ISSUER)
    yield server
    server.stop()


def issue(key: Path, nonce: str, *extra: str) -> str:
    return issue_attestation(key, ISSUER, nonce, *extra)


def shown_nonce(page: Page) -> str:
    """The nonce as the page shows it, once the copy button is usable."""
    expect(page.locator("#age-copy")).to_be_enabled()
    nonce = page.locator("#age-nonce").inner_text().strip()
    assert nonce and " " not in nonce, nonce
    return nonce


def test_verification_in_session_gives_the_badge_and_the_adult_room(
    new_page: Callable[..., Page], age_server: ServerProcess, issuer_key: Path, page_errors
) -> None:
    alice_name = unique_pseudo("Alice")
    alice = new_page(url=age_server.url, bypass_csp=True)
    watcher = new_page(url=age_server.url)
    enter(alice, alice_name, age=34, gender="femme")
    enter(watcher, unique_pseudo("Temoin"))

    # Not verified yet: the server refuses the adult room, and the page says why.
    alice.click("[data-room=adultes]")
    refusal = alice.locator("#rooms-status [data-code=adult_room]")
    expect(refusal).to_contain_text("réservé aux adultes")
    expect(alice.locator("#rooms-prove")).to_be_visible()
    expect(alice.locator("#conv-title")).to_have_text("Général")

    # "Mon compte": no badge yet, the offer to prove one's age.
    alice.click("#settings-btn")
    expect(alice.locator("#prefs-dialog")).to_be_visible()
    expect(alice.locator("#account-badge")).to_be_hidden()
    alice.click("#age-open")
    dialog = alice.locator("#age-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("double anonymat")
    expect(dialog).to_contain_text("plus de 18 ans")
    nonce = shown_nonce(alice)
    alice.click("#age-copy")
    expect(alice.locator("#age-copied")).not_to_be_empty()

    # A broken attestation: the server's French message, in the dialog.
    alice.fill("#age-attestation", "ceci-n-est-pas-une-attestation")
    alice.click("#age-submit")
    expect(alice.locator("#age-error")).to_contain_text("illisible")
    expect(alice.locator("#age-attestation")).to_have_attribute("aria-invalid", "true")
    # The provider says "not an adult": refused with its own message.
    alice.fill("#age-attestation", issue(issuer_key, nonce, "--not-adult"))
    alice.click("#age-submit")
    expect(alice.locator("#age-error")).to_contain_text("18 ans")

    violations = run_axe(alice)
    assert violations == [], violations
    alice.fill("#age-attestation", issue(issuer_key, nonce))
    screenshot(alice, "age-dialog.png")
    alice.click("#age-submit")
    expect(alice.locator("#age-success")).to_contain_text("vérifié 18+")
    expect(alice.locator("#age-error")).to_be_empty()
    screenshot(alice, "age-dialog-verified.png")
    alice.click("#age-cancel")
    expect(dialog).to_be_hidden()
    # Back in "Mon compte": the badge, and no more offer.
    expect(alice.locator("#account-badge")).to_be_visible()
    expect(alice.locator("#age-open")).to_be_hidden()
    alice.keyboard.press("Escape")
    expect(alice.locator("#prefs-dialog")).to_be_hidden()
    expect(alice.locator("#me .verified-badge")).to_have_text("vérifié 18+")
    expect(alice.locator("#rooms-status")).to_be_empty()

    # The adult room opens now.
    alice.click("[data-room=adultes]")
    expect(alice.locator("#conv-title")).to_have_text("Adultes")
    say(alice, "Bonsoir entre adultes")
    expect(
        alice.locator("#message-list .msg-text", has_text="Bonsoir entre adultes")
    ).to_have_count(1)

    # Others see the badge: on her messages, in the people list, on her card.
    alice.locator(".tab-btn", has_text="Général").click()
    say(alice, "Bonsoir tout le monde")
    message = watcher.locator("#message-list .msg", has_text="Bonsoir tout le monde")
    expect(message.locator(".verified-badge")).to_have_count(1)
    watcher.select_option("#f-region", "")  # asks `who` again
    row = watcher.locator("#people-inner .person-btn", has_text=alice_name)
    expect(row.locator(".verified-badge")).to_have_count(1)
    message.locator(".msg-author").click()
    expect(watcher.locator("#person-name .verified-badge")).to_have_text("vérifié 18+")
    assert page_errors.errors == [], page_errors.errors


def test_locked_browser_proves_its_age_at_the_entry(
    browser, age_server: ServerProcess, issuer_key: Path, page_errors
) -> None:
    # Device signals of its own: the 24-hour device lock must not reach other browsers.
    context = browser.new_context(
        base_url=age_server.url,
        locale="fr-BE",
        viewport={"width": 1100, "height": 760},
        screen={"width": 1101, "height": 761},
    )
    context.set_default_timeout(10_000)
    try:
        page = page_errors.watch(context.new_page())
        page.goto("/")
        pseudo = unique_pseudo("Vrai")
        page.fill("#pseudo", pseudo)
        page.fill("#age", "15")
        page.click("label[for=g-autre]")
        page.fill("#postal", "31000")
        page.click("#entry-submit")
        expect(page.locator("#entry-error")).to_contain_text("18 ans")
        expect(page.locator("#entry-prove")).to_have_count(0)  # not offered to a child

        page.fill("#age", "30")
        page.click("#entry-submit")
        expect(page.locator("#entry-error")).to_contain_text("appareil")
        expect(page.locator("#chat-view")).to_be_hidden()
        page.click("#entry-prove")
        expect(page.locator("#age-dialog")).to_be_visible()
        expect(page.locator("#age-dialog")).to_contain_text(
            "Le prestataire n’apprend rien de Papote"
        )
        nonce = shown_nonce(page)
        page.fill("#age-attestation", issue(issuer_key, nonce))
        page.click("#age-submit")

        expect(page.locator("#chat-view")).to_be_visible()
        expect(page.locator("#age-dialog")).to_be_hidden()
        expect(page.locator("#me")).to_contain_text(pseudo)
        expect(page.locator("#me .verified-badge")).to_be_visible()
        page.click("[data-room=adultes]")
        expect(page.locator("#conv-title")).to_have_text("Adultes")
        assert page_errors.errors == [], page_errors.errors
    finally:
        context.close()


def test_possible_minor_gets_help_and_an_adult_can_prove_it(
    new_page: Callable[..., Page], age_server: ServerProcess, issuer_key: Path, page_errors
) -> None:
    """Rose says she is 14: the help (3018) shows as a warning, adults cannot open a
    private conversation with her; she is in fact an adult and proves it: both lifted."""
    rose_name = unique_pseudo("Rose")
    rose = new_page(url=age_server.url)
    marc = new_page(url=age_server.url)
    enter(rose, rose_name, age=19, gender="femme", postal="69001")
    enter(marc, unique_pseudo("Marc"), age=41, postal="69002")

    say(rose, "mais j'ai 14 ans")
    help_box = rose.locator("#notices .notice-help")
    expect(help_box).to_contain_text("3018")
    expect(help_box.locator("a[href='tel:3018']")).to_be_visible()

    marc.select_option("#f-region", "")
    marc.locator("#people-inner .person-btn", has_text=rose_name).click()
    marc.click("#person-dm")
    say(marc, "salut, on discute ?")
    refusal = marc.locator("#composer-status [data-code=minor_protected]")
    expect(refusal).to_contain_text("tu ne peux pas ouvrir de conversation")
    expect(marc.locator("#message-list")).not_to_contain_text("on discute")

    help_box.get_by_role("button", name="Prouver que j’ai 18 ans").click()
    nonce = shown_nonce(rose)
    rose.fill("#age-attestation", issue(issuer_key, nonce))
    rose.click("#age-submit")
    expect(rose.locator("#age-success")).not_to_be_empty()
    rose.click("#age-cancel")
    expect(help_box).to_have_count(0)
    expect(rose.locator("#me .verified-badge")).to_be_visible()

    say(marc, "salut, on discute maintenant ?")
    expect(marc.locator("#composer-status")).to_be_empty()
    expect(rose.locator(".tab.dm")).to_have_count(1)
    assert page_errors.errors == [], page_errors.errors
