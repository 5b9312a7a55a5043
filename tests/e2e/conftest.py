"""Real-browser fixtures: a Papote server in a subprocess and Debian's Chromium.

The server is ``papote serve`` on a free port with a temporary data directory and
``PAPOTE_ENV=test`` (relaxed rate limits). Set ``PAPOTE_E2E_URL`` to test a server that
is already running instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes] | None, log: Path | None) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            output = log.read_text(errors="replace")[-4000:] if log else ""
            raise RuntimeError(f"papote serve exited with {proc.returncode}:\n{output}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"papote serve did not answer /healthz within {START_TIMEOUT_S} s")


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The URL of a running Papote server (started here unless PAPOTE_E2E_URL is set)."""
    external = os.environ.get("PAPOTE_E2E_URL")
    if external:
        _wait_healthy(external.rstrip("/"), None, None)
        yield external.rstrip("/")
        return
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="papote-e2e-") as data_dir:
        log = Path(data_dir) / "server.log"
        env = {
            **os.environ,
            "PAPOTE_DATA_DIR": data_dir,
            "PAPOTE_ENV": "test",
            # Every browser of the suite enters from 127.0.0.1: a whole household at once.
            "PAPOTE_RATE_ENTRY_IP": "600/minute",
            "PAPOTE_RATE_JOIN": "600/minute",
        }
        papote = Path(sys.executable).parent / "papote"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [str(papote), "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc, log)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


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
    """Factory: new_page(phone=False, bypass_csp=False) -> a page in a fresh context."""
    contexts: list[BrowserContext] = []

    def _make(phone: bool = False, bypass_csp: bool = False) -> Page:
        options: dict[str, object] = {
            "base_url": base_url,
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
