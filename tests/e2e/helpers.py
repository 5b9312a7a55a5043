"""Helpers for the browser tests: enter the chat, send, run axe-core, save screenshots."""

from __future__ import annotations

import uuid
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


# hex digits drawn as consonants that spell no SMS insult: digits read as leetspeak
# ("5" as s, "0" as o...) and made the pseudo filter refuse a random pseudo now and then
_SUFFIX = str.maketrans("0123456789abcdef", "bcfghjklmqrsvwxy")


def unique_pseudo(prefix: str) -> str:
    """A pseudo no other test uses (3 to 20 characters)."""
    return f"{prefix}_{uuid.uuid4().hex[:8].translate(_SUFFIX)}"


def enter(
    page: Page, pseudo: str, age: int = 30, gender: str = "homme", postal: str = "75011"
) -> None:
    """Fill the entry form like a person would, submit, and wait for the chat."""
    page.goto("/")
    page.fill("#pseudo", pseudo)
    page.fill("#age", str(age))
    page.click(f"label[for=g-{gender}]")
    page.fill("#postal", postal)
    page.click("#entry-submit")
    try:
        page.wait_for_selector("#chat-view:not([hidden])")
    except Exception as exc:
        refusal = page.locator("#entry-error").inner_text()
        raise AssertionError(f"entry of {pseudo!r} refused: {refusal!r}") from exc
    page.wait_for_selector("#conv-tabs .tab.active")


def say(page: Page, text: str) -> None:
    page.fill("#composer-input", text)
    page.press("#composer-input", "Enter")


def run_axe(page: Page) -> list[dict]:
    """Serious and critical axe-core violations on the page (needs bypass_csp)."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    return path


DESKTOP_1366 = {"width": 1366, "height": 800}


def on_screen(page: Page, selector: str) -> bool:
    """Whether the element is wholly inside the viewport (what a person can see)."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert size is not None
    return (
        box is not None
        and box["height"] > 0
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"] + 0.5
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"] + 0.5
    )


def no_null_text(page: Page) -> None:
    """No "null" or "undefined" ever reaches a person."""
    text = page.evaluate("() => document.body.innerText")
    assert "null" not in text and "undefined" not in text, text[:400]


def open_dm(page: Page, pseudo: str) -> None:
    """Open a private tab with someone from the people list (all of France)."""
    see_all = page.locator("#region-scope button[data-region='']")
    if see_all.count():
        see_all.click()  # "voir tout Papote", the way a person would on a phone
    page.locator("#people-list .person-btn", has_text=pseudo).click()
    page.click("#person-dm")
    page.wait_for_selector(f".tab.dm.active:has-text('{pseudo}')")
