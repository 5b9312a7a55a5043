"""Real-browser fixtures: Debian's Chromium against a real ``papote serve``.

The server is the shared ``sqlite_server`` of ``tests/conftest.py`` (a subprocess on a
free port, temporary data directory, ``PAPOTE_ENV=test``, relaxed rate limits). Set
``PAPOTE_E2E_URL`` to test a server that is already running instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.serverproc import ServerProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
START_TIMEOUT_S = 60.0


def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}/healthz did not answer within {START_TIMEOUT_S} s")


@pytest.fixture(scope="session")
def base_url(request: pytest.FixtureRequest) -> str:
    """A running Papote server: the shared SQLite one, unless PAPOTE_E2E_URL is set."""
    external = os.environ.get("PAPOTE_E2E_URL")
    if external:
        _wait_healthy(external.rstrip("/"))
        return external.rstrip("/")
    server: ServerProcess = request.getfixturevalue("sqlite_server")
    return server.url


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class PageErrors:
    """Uncaught errors, console errors and dialogs seen on the pages of one test."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []

    def _on_console(self, msg) -> None:  # type: ignore[no-untyped-def]
        # An API answering 4xx (unknown postal code, refused entry) is logged by the
        # browser as "Failed to load resource": expected; static files are checked below.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {msg.text}")

    def _on_response(self, response) -> None:  # type: ignore[no-untyped-def]
        if "/api/" not in response.url and response.status >= 400:
            self.errors.append(f"{response.status} {response.url}")

    def watch(self, page: Page) -> Page:
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._on_console)
        page.on("response", self._on_response)

        def _on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", _on_dialog)
        return page


@pytest.fixture
def page_errors() -> PageErrors:
    return PageErrors()


@pytest.fixture
def new_page(
    browser: Browser, base_url: str, page_errors: PageErrors
) -> Iterator[Callable[..., Page]]:
    """Factory: new_page(phone=False, bypass_csp=False, url=None) -> a page, fresh context."""
    contexts: list[BrowserContext] = []

    def _make(phone: bool = False, bypass_csp: bool = False, url: str | None = None) -> Page:
        options: dict[str, object] = {
            "base_url": url or base_url,
            "viewport": PHONE if phone else DESKTOP,
            "locale": "fr-FR",
            "bypass_csp": bypass_csp,
        }
        if phone:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        context = browser.new_context(**options)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        contexts.append(context)
        return page_errors.watch(context.new_page())

    yield _make
    for context in contexts:
        context.close()
