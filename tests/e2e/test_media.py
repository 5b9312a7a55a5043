"""Images in the page: send (button, paste), progress, see in a room, full size, blurred
from a stranger with a "voir" control that only a chosen correspondent or a verified
adult can use, refusals explained, explicit words veiled."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import postgres_url
from tests.images import encode, photo, png_bomb
from tests.serverproc import PAPOTE, RELAXED, ServerProcess

from .helpers import enter, say, unique_pseudo

BLOB = re.compile(r"^blob:")

pytestmark = pytest.mark.e2e

UPLOAD_MS = 60_000  # uploads are processed by a worker process; CI machines are busy
BLOB = re.compile(r"^blob:")
BLURRED = re.compile(r"\bis-blurred\b")
ENV = {
    **RELAXED,
    "PAPOTE_RATE_MEDIA": "1000/minute",
    "PAPOTE_RATE_MEDIA_DAY": "1000/day",
    # a face counts as explicit here: the real model judges a real portrait
    # (tests/data/README.md), and the page shows what an explicit photo gets
    "PAPOTE_MEDIA_EXPLICIT_CLASSES": "FACE_FEMALE",
}
PORTRAIT = (Path(__file__).parent.parent / "data" / "portrait.jpg").read_bytes()


@pytest.fixture(scope="module")
def media_url() -> Iterator[str]:
    """A server of its own: the images posted here stay out of the shared room history."""
    server = ServerProcess(dict(ENV)).start(timeout=120)
    yield server.url
    server.stop()


@pytest.fixture
def base_url(media_url: str) -> str:
    """The pages of this module open on that server (overrides the shared one)."""
    return media_url


def _file(data: bytes, name: str = "photo.jpg", mime: str = "image/jpeg") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def _open_dm(page: Page, pseudo: str) -> None:
    page.fill("#f-age-min", "18")
    page.select_option("#f-region", "")
    page.locator("#people-list .person-btn", has_text=pseudo).click()
    page.click("#person-dm")
    expect(page.locator("#conv-title")).to_contain_text(pseudo)


def _figures(page: Page):
    return page.locator("#message-list figure.msg-media")


def test_images_in_a_room_and_from_a_stranger(new_page, page_errors, media_url):
    alice, bruno = new_page(url=media_url), new_page(url=media_url, phone=True)
    a_name, b_name = unique_pseudo("Alice"), unique_pseudo("Bruno")
    enter(alice, a_name, gender="femme")
    enter(bruno, b_name)

    # Alice sends a photo to the room with the button (the file picker).
    expect(alice.locator("#image-btn")).to_be_visible()
    assert alice.get_attribute("#image-input", "accept").startswith("image/")
    alice.set_input_files("#image-input", files=[_file(encode(photo(seed=51)))])
    mine = _figures(alice).last
    # the first upload starts the worker process (the nudity model loads): be patient
    expect(mine.locator("img")).to_have_attribute("src", BLOB, timeout=UPLOAD_MS)
    # Bruno sees it directly (not explicit, in a room) and opens it full size.
    theirs = _figures(bruno).last
    expect(theirs).not_to_have_class(BLURRED)
    expect(theirs.locator("img")).to_have_attribute("src", BLOB)
    theirs.locator("img").click()
    viewer = bruno.locator("dialog.media-viewer")
    expect(viewer).to_be_visible()
    assert viewer.locator("img").evaluate("img => img.naturalWidth") > 0
    viewer.get_by_role("button", name="Fermer").click()
    expect(viewer).to_have_count(0)

    # Paste works too.
    count = _figures(bruno).count()
    alice.evaluate(
        """(bytes) => {
            const file = new File([new Uint8Array(bytes)], "collé.png", {type: "image/png"});
            const data = new DataTransfer();
            data.items.add(file);
            const input = document.getElementById("composer-input");
            input.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
        }""",
        list(encode(photo(seed=52, size=(300, 200)), "PNG")),
    )
    expect(_figures(bruno)).to_have_count(count + 1, timeout=UPLOAD_MS)

    # Refusals are explained, nothing is posted, nothing is shown.
    alice.set_input_files("#image-input", files=[_file(b"pas une image", "x.txt", "text/plain")])
    expect(alice.locator("#composer-status")).to_contain_text("JPEG, PNG ou WebP")
    alice.set_input_files("#image-input", files=[_file(png_bomb(8_000), "bombe.png", "image/png")])
    expect(alice.locator("#composer-status")).to_contain_text("trop lourde", timeout=UPLOAD_MS)
    expect(_figures(bruno)).to_have_count(count + 1)

    # In private, Alice's photo reaches Bruno blurred: he has not answered her yet.
    _open_dm(alice, b_name)
    alice.set_input_files("#image-input", files=[_file(encode(photo(seed=53)))])
    expect(_figures(alice)).to_have_count(1, timeout=UPLOAD_MS)
    bruno.locator(".tab.dm", has_text=a_name).locator(".tab-btn").click()
    blurred = _figures(bruno).last
    expect(blurred).to_have_class(BLURRED)
    reveal = blurred.get_by_role("button", name="Voir l’image en clair")
    expect(reveal).to_contain_text("voir")
    reveal.click()  # not a verified adult, not answered: explained, still blurred
    expect(blurred.locator(".media-note")).to_contain_text("vérifié")
    expect(blurred).to_have_class(BLURRED)
    # Once he answers, she is a chosen correspondent: "voir" shows the image.
    say(bruno, "merci !")
    expect(alice.locator("#message-list .msg-text", has_text="merci !")).to_have_count(1)
    reveal.click()
    expect(blurred).not_to_have_class(BLURRED)
    expect(blurred.locator("img")).to_have_attribute("src", BLOB)
    assert page_errors.errors == []


def test_explicit_words_sent_anyway_are_veiled(new_page, page_errors, media_url):
    carla, denis = new_page(url=media_url), new_page(url=media_url)
    c_name, d_name = unique_pseudo("Carla"), unique_pseudo("Denis")
    enter(carla, c_name, gender="femme")
    enter(denis, d_name)
    _open_dm(carla, d_name)
    say(carla, "je veux te sucer")
    carla.locator("#composer-status").get_by_role("button", name="Envoyer quand même").click()
    denis.locator(".tab.dm", has_text=c_name).locator(".tab-btn").click()
    veil = denis.get_by_role("button", name="Contenu explicite — voir le message")
    expect(veil).to_be_visible()
    expect(denis.locator("#message-list .msg-text", has_text="sucer")).to_be_hidden()
    veil.click()
    expect(denis.locator("#message-list .msg-text", has_text="sucer")).to_be_visible()
    assert page_errors.errors == []


def _watch_progress(page: Page) -> None:
    """Record every value the upload's progress bar shows, and whether it was visible."""
    page.evaluate(
        """() => {
            window.progressSeen = [];
            new MutationObserver(() => {
                const box = document.getElementById("image-upload");
                const bar = box && !box.hidden && box.querySelector("progress");
                if (bar) window.progressSeen.push(bar.value);
            }).observe(document.body, {subtree: true, childList: true, attributes: true});
        }"""
    )


def _drop(page: Page, data: bytes, name: str) -> None:
    """Drop a file on the conversation, as a drag from the desktop does."""
    page.evaluate(
        """([bytes, name]) => {
            const file = new File([new Uint8Array(bytes)], name, {type: "image/jpeg"});
            const data = new DataTransfer();
            data.items.add(file);
            const pane = document.getElementById("pane-conv");
            for (const type of ["dragover", "drop"]) {
                pane.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true}));
            }
        }""",
        [list(data), name],
    )


def test_drop_progress_explicit_and_blocked_images(new_page, page_errors, media_url):
    """A dropped photo goes with a progress bar; an explicit one reaches a stranger
    blurred with its reason and stays blurred for someone not verified, even answered;
    a photo on a hash list is refused with its reason and shown to no one."""
    emma, felix = new_page(url=media_url), new_page(url=media_url)
    e_name, f_name = unique_pseudo("Emma"), unique_pseudo("Felix")
    enter(emma, e_name, gender="femme")
    enter(felix, f_name)
    _open_dm(emma, f_name)
    _watch_progress(emma)

    # Dropped on the conversation: uploaded with a progress bar, then sent.
    _drop(emma, encode(photo(seed=54)), "vacances.jpg")
    expect(_figures(emma)).to_have_count(1, timeout=UPLOAD_MS)
    expect(emma.locator("#image-upload")).to_be_hidden()
    seen = emma.evaluate("window.progressSeen")
    assert seen and max(seen) == 100, seen

    # An explicit photo (the model finds what this server calls explicit).
    emma.set_input_files("#image-input", files=[_file(PORTRAIT, "portrait.jpg")])
    expect(_figures(emma)).to_have_count(2, timeout=UPLOAD_MS)
    expect(_figures(emma).last).not_to_have_class(BLURRED)  # her own: clear for her
    felix.locator(".tab.dm", has_text=e_name).locator(".tab-btn").click()
    expect(_figures(felix)).to_have_count(2)
    explicit = _figures(felix).last
    expect(explicit).to_have_class(BLURRED)
    reveal = explicit.get_by_role("button", name="Voir l’image en clair")
    expect(reveal).to_contain_text("contenu explicite")
    say(felix, "bonsoir")  # answering does not unblur an explicit photo
    expect(emma.locator("#message-list .msg-text", has_text="bonsoir")).to_have_count(1)
    reveal.click()
    expect(explicit.locator(".media-note")).to_contain_text("vérifié")
    expect(explicit).to_have_class(BLURRED)

    # A photo someone protected (StopNCII-style) is refused when Emma sends it.
    protected = encode(photo(seed=55))
    entry = {"pseudo": unique_pseudo("Gala"), "age": 30, "gender": "femme", "postal_code": "75011"}
    owner = httpx.post(media_url + "/api/v1/session", json=entry).json()
    response = httpx.post(
        media_url + "/api/v1/media/protect",
        headers={"authorization": f"Bearer {owner['token']}"},
        files={"file": ("moi.jpg", protected, "image/jpeg")},
        timeout=60,
    )
    assert response.status_code == 201, response.text
    emma.set_input_files("#image-input", files=[_file(protected, "copie.jpg")])
    expect(emma.locator("#composer-status")).to_contain_text(
        "ne peut pas être partagée", timeout=UPLOAD_MS
    )
    expect(emma.locator("#image-upload")).to_be_hidden()
    felix.wait_for_timeout(500)
    expect(_figures(emma)).to_have_count(2)
    expect(_figures(felix)).to_have_count(2)
    assert page_errors.errors == []


class _TableLock:
    """An exclusive lock on a PostgreSQL table, held by a connection of its own (in a
    thread) until released: whoever reads the table waits, as behind a slow database."""

    def __init__(self, url: str, table: str) -> None:
        self.dsn = url.replace("postgresql+asyncpg://", "postgresql://")
        self.table = table
        self._locked, self._release = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._hold()), daemon=True)

    async def _hold(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.dsn)
        try:
            async with conn.transaction():
                await conn.execute(f"LOCK TABLE {self.table} IN ACCESS EXCLUSIVE MODE")
                self._locked.set()
                while not self._release.is_set():
                    await asyncio.sleep(0.05)
        finally:
            await conn.close()

    def __enter__(self) -> _TableLock:
        self._thread.start()
        if not self._locked.wait(30):
            raise RuntimeError(f"could not lock {self.table}")
        return self

    def release(self) -> None:
        self._release.set()
        self._thread.join(30)

    def __exit__(self, *_exc: object) -> None:
        self.release()


def test_an_upload_while_the_hash_lists_load_is_refused_then_goes_through(new_page, page_errors):
    """The hash index answers "not ready" while it loads: the upload is refused with a
    French explanation, nothing is posted; once loaded, the same photo goes through."""
    url = postgres_url()
    env = {**os.environ, "PAPOTE_DATABASE_URL": url}
    subprocess.run([str(PAPOTE), "db", "upgrade"], env=env, check=True, capture_output=True)
    with _TableLock(url, "hash_entries") as lock:  # the index's first load waits on it
        server = ServerProcess({**ENV, "PAPOTE_DATABASE_URL": url}).start(timeout=120)
        try:
            page = new_page(url=server.url)
            enter(page, unique_pseudo("Gaelle"), gender="femme")
            picture = _file(encode(photo(seed=55)))
            page.set_input_files("#image-input", files=[picture])
            status = page.locator("#composer-status")
            expect(status).to_contain_text("pas encore disponibles", timeout=UPLOAD_MS)
            expect(status).to_contain_text("Réessaie dans quelques secondes")
            expect(_figures(page)).to_have_count(0)
            assert "hash lists loaded" not in server.logs()

            lock.release()
            deadline = time.monotonic() + 30
            while "hash lists loaded" not in server.logs():
                assert time.monotonic() < deadline, server.logs()
                time.sleep(0.1)
            page.set_input_files("#image-input", files=[picture])
            expect(_figures(page)).to_have_count(1, timeout=UPLOAD_MS)
            expect(_figures(page).locator("img")).to_have_attribute("src", BLOB)
            assert page_errors.errors == []
        finally:
            server.stop()
