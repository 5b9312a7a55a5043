"""The moderators' console in Chromium against a real server: an admin logs in with a
TOTP code, sees the worst case first, works it with the keyboard and bans; the banned
person's chat page receives the server's real sanction and ends the session."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.images import encode, photo
from tests.mediaclient import uploaded
from tests.staffhelp import add_staff
from tests.wsclient import Client

from .helpers import enter, run_axe, say, unique_pseudo

pytestmark = pytest.mark.e2e


def _notice(base_url: str, pseudo: str, category: str) -> None:
    r = httpx.post(
        f"{base_url}/api/v1/notices",
        json={"url_or_id": pseudo, "category": category, "explanation": "vu dans le salon"},
    )
    assert r.status_code == 201, r.text


def _someone_in_the_chat(base_url: str, prefix: str) -> str:
    """The pseudo of a person who just entered over HTTP (notices name a real subject)."""
    for _ in range(5):  # a random suffix may read as a refused word: draw again
        pseudo = unique_pseudo(prefix)
        r = httpx.post(
            f"{base_url}/api/v1/session",
            json={"pseudo": pseudo, "age": 30, "gender": "homme", "postal_code": "75011"},
        )
        if r.status_code == 201:
            return pseudo
        assert r.json()["error"]["code"] == "pseudo_refused", r.text
    raise AssertionError("no pseudo accepted in five draws")


def _login(page, staff) -> None:
    page.goto("/staff")
    page.fill("#login-name", staff.name)
    page.fill("#login-password", staff.password)
    if staff.totp_secret:
        page.fill("#login-totp", staff.code())
    page.press("#login-password", "Enter")
    expect(page.locator("#queue-view")).to_be_visible()


def test_admin_logs_in_with_totp_and_bans_with_the_keyboard(new_page, sqlite_server, page_errors):
    base = sqlite_server.url
    offender = new_page()
    pseudo = unique_pseudo("Troll")
    enter(offender, pseudo)
    say(offender, "bonjour tout le monde")
    _notice(base, pseudo, "hate")
    mild = unique_pseudo("Bavard")
    other = new_page()
    enter(other, mild)
    _notice(base, mild, "spam")

    admin = add_staff(sqlite_server, "admin")
    console = new_page()
    console.goto("/staff")
    console.fill("#login-name", admin.name)
    console.fill("#login-password", admin.password)
    console.fill("#login-totp", "000000")
    console.click("#login-form button[type=submit]")
    expect(console.locator("#login-error")).to_contain_text("incorrect")
    _login(console, admin)

    rows = console.locator("#queue-body tr")
    expect(rows.filter(has_text=pseudo)).to_have_count(1)
    # worst first: hate before spam
    texts = rows.all_inner_texts()
    index = next(i for i, t in enumerate(texts) if pseudo in t)
    assert index < next(i for i, t in enumerate(texts) if mild in t)
    # move to the case with j/k and open it with Enter
    console.locator("body").click()
    for _ in range(index):
        console.keyboard.press("j")
    console.keyboard.press("Enter")
    expect(console.locator("#case-title")).to_contain_text(pseudo)
    expect(console.locator("#case-context")).to_contain_text("bonjour tout le monde")
    console.keyboard.press("c")
    expect(console.locator("#case-meta")).to_contain_text(f"pris par {admin.name}")
    console.keyboard.press("b")
    expect(console.locator("#act-actions input[value=ban]")).to_be_checked()
    console.keyboard.press("Enter")
    expect(console.locator("#status")).to_contain_text("bannir — fait")

    # the real sanction reached the chat page, which ends the session with the statement
    expect(offender.locator("#sanction-title")).to_have_text("Tu es banni·e")
    expect(offender.locator("#sanction-statement")).to_contain_text("propos haineux")
    expect(offender.locator("#sanction-statement")).not_to_contain_text("hate")
    assert page_errors.errors == []


def test_console_is_accessible(new_page, sqlite_server):
    page = new_page(bypass_csp=True)
    page.goto("/staff")
    assert run_axe(page) == []
    mod = add_staff(sqlite_server)
    _login(page, mod)
    assert run_axe(page) == []


def test_anyone_files_a_notice_from_the_page(new_page, base_url, page_errors):
    pseudo = _someone_in_the_chat(base_url, "Signale")
    page = new_page()
    page.goto("/signaler")
    page.fill("#n-what", pseudo)
    page.select_option("#n-category", "child_safety")
    page.fill("#n-explanation", "Un adulte demande des photos à une enfant.")
    page.click("#notice-form button[type=submit]")
    expect(page.locator("#n-done")).to_contain_text("référence n")
    assert page_errors.errors == []


def test_banned_browser_contests_from_the_appeal_page(new_page, sqlite_server, page_errors):
    from tests.staffhelp import auth, login

    page = new_page()
    pseudo = unique_pseudo("Conteste")
    enter(page, pseudo)
    _notice(sqlite_server.url, pseudo, "spam")
    token = login(sqlite_server, add_staff(sqlite_server))
    cases = httpx.get(
        f"{sqlite_server.url}/api/v1/staff/cases?pseudo={pseudo}", headers=auth(token)
    ).json()["cases"]
    r = httpx.post(
        f"{sqlite_server.url}/api/v1/staff/cases/{cases[0]['id']}/actions",
        headers=auth(token),
        json={"action": "ban", "reason": "spam", "duration_s": 86400},
    )
    assert r.status_code == 200, r.text
    expect(page.locator("#sanction-title")).to_have_text("Tu es banni·e")
    page.goto("/recours")
    expect(page.locator("#decision")).to_contain_text("Décision : bannissement")
    expect(page.locator("#decision")).to_contain_text("pendant 1 jour")
    page.fill("#appeal-text", "Je n'ai rien envoyé de commercial.")
    page.click("#appeal-form button[type=submit]")
    expect(page.locator("#decision")).to_contain_text("en cours d'examen")
    assert page_errors.errors == []


def test_the_queue_pages_through_every_open_case(new_page, sqlite_server, page_errors):
    for _ in range(105):  # more than a page: a notice about each of 105 people in the chat
        _notice(sqlite_server.url, _someone_in_the_chat(sqlite_server.url, "Page"), "spam")
    console = new_page()
    _login(console, add_staff(sqlite_server))
    rows = console.locator("#queue-body tr")
    expect(rows).to_have_count(100)
    expect(console.locator("#queue-more")).to_be_visible()
    console.click("#queue-more")
    expect(console.locator("#queue-shown")).not_to_contain_text("100 affiché")
    shown = rows.count()
    assert shown > 100
    # j on the last case shown loads the next page; the pages go to the end of the queue
    console.locator("body").click()
    for _ in range(100):
        if console.locator("#queue-more").is_hidden():
            break
        before = rows.count()
        console.keyboard.press("End")
        console.keyboard.press("j")
        expect(rows).not_to_have_count(before)
    expect(console.locator("#queue-more")).to_be_hidden()
    opened = int(console.locator("#queue-count").inner_text().split()[0])
    assert rows.count() == opened >= 105
    assert page_errors.errors == []


def test_a_room_seen_live_and_locked_from_the_console(new_page, sqlite_server, page_errors):
    chat = new_page()
    pseudo = unique_pseudo("Direct")
    enter(chat, pseudo)
    console = new_page()
    _login(console, add_staff(sqlite_server))
    console.click("#nav-rooms")
    console.select_option("#room-pick", "general")
    expect(console.locator("#room-members")).to_contain_text(pseudo)
    say(chat, "quelqu'un a des idées de balade ce week-end ?")
    expect(console.locator("#room-feed")).to_contain_text("idées de balade", timeout=6000)
    console.click("#room-lock")
    expect(console.locator("#room-mode")).to_contain_text("verrouillé")
    expect(chat.locator("body")).to_contain_text("verrouillé par la modération")
    console.click("#room-reopen")
    expect(console.locator("#room-mode")).to_contain_text("ouvert")
    assert page_errors.errors == []


def _image_reported_in_a_room(server) -> str:
    """Someone posts a photo in a room and another person reports it; returns the
    poster's pseudo. Over the real protocol, in a thread (the browser's loop runs here)."""

    async def scenario() -> str:
        poster = await Client.enter(server)
        witness = await Client.enter(server)
        for c in (poster, witness):
            await c.request({"type": "join", "room": "general"})
        media = uploaded(server, poster.session["token"], encode(photo(seed=71)))
        frame = {"type": "say", "room": "general", "text": "regardez", "media": media["id"]}
        ack = await poster.request(frame)
        assert ack["type"] == "ack", ack
        report = {"type": "report", "message": ack["message"]["id"], "reason": "harassment"}
        assert (await witness.request(report))["type"] == "ok"
        for c in (poster, witness):
            await c.close()
        return str(poster.user["pseudo"])

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


def test_a_reported_image_is_blurred_until_the_moderator_shows_it(
    new_page, sqlite_server, page_errors
):
    pseudo = _image_reported_in_a_room(sqlite_server)
    console = new_page()
    _login(console, add_staff(sqlite_server))
    console.locator("#queue-body tr", has_text=pseudo).first.click()
    expect(console.locator("#case-title")).to_contain_text(pseudo)
    image = console.locator("#case-context img.media")
    expect(image).to_have_attribute("src", re.compile(r"^blob:"), timeout=30_000)
    expect(image).not_to_have_class(re.compile(r"\bshown\b"))
    blurred_src = image.get_attribute("src")
    console.get_by_role("button", name="Afficher l'image").click()
    expect(image).to_have_class(re.compile(r"\bshown\b"))
    expect(image).not_to_have_attribute("src", blurred_src or "")
    assert image.evaluate("img => img.naturalWidth") > 0
    assert page_errors.errors == []


def test_live_queue_search_keys_and_act_and_next(new_page, sqlite_server, page_errors):
    """The pseudo search (/), a new case appearing without reloading, the action keys
    d w x m e s, n for the note, and « act and go to the next »."""
    from tests.staffhelp import auth, login

    base = sqlite_server.url
    chat = new_page()
    pseudo = unique_pseudo("Touches")
    enter(chat, pseudo)
    say(chat, "un message pour le dossier")
    expect(chat.locator("#message-list .msg-text", has_text="pour le dossier")).to_have_count(1)
    _notice(base, pseudo, "spam")
    staff = add_staff(sqlite_server)
    console = new_page()
    _login(console, staff)
    console.locator("#queue-title").click()  # the page, not a row of the queue
    console.keyboard.press("/")
    expect(console.locator("#search")).to_be_focused()
    console.keyboard.type(pseudo)
    console.keyboard.press("Enter")
    expect(console.locator("#queue-title")).to_have_text(f"Dossiers de « {pseudo} »")
    rows = console.locator("#queue-body tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(pseudo)

    # a new case on that person appears without reloading (the queue refreshes itself)
    token = login(sqlite_server, staff)
    cases = httpx.get(f"{base}/api/v1/staff/cases?pseudo={pseudo}", headers=auth(token))
    person = cases.json()["cases"][0]["id"]
    detail = httpx.get(f"{base}/api/v1/staff/cases/{person}", headers=auth(token)).json()
    _notice(base, detail["case"]["evidence"]["context"][-1]["id"], "harassment")
    expect(rows).to_have_count(2, timeout=8_000)
    expect(rows.first).to_contain_text("Harcèlement")  # the worse one first

    console.locator("#queue-title").click()  # out of the search field
    console.keyboard.press("Enter")
    expect(console.locator("#case-title")).to_contain_text("Harcèlement")
    first = console.locator("#case-meta").inner_text()
    keys = {"d": "dismiss", "w": "warn", "x": "delete", "m": "mute", "e": "kick", "s": "suspend"}
    for key, action in keys.items():
        console.keyboard.press(key)
        expect(console.locator(f"#act-actions input[value={action}]")).to_be_checked()
    console.keyboard.press("n")
    expect(console.locator("#act-note")).to_be_focused()
    console.keyboard.type("rien de grave")
    console.locator("#case-title").click()
    console.keyboard.press("d")
    expect(console.locator("#act-actions input[value=dismiss]")).to_be_checked()
    console.keyboard.press("Enter")
    expect(console.locator("#status")).to_contain_text("classer — fait")
    # act and go to the next: the person's other case opens by itself
    expect(console.locator("#case-title")).to_contain_text("Spam")
    expect(console.locator("#case-meta")).not_to_have_text(first)
    expect(console.locator("#case-view")).to_be_visible()
    done = httpx.get(f"{base}/api/v1/staff/cases?pseudo={pseudo}", headers=auth(token)).json()
    states = sorted((c["category"], c["state"]) for c in done["cases"])
    assert states == [("harassment", "closed"), ("spam", "open")]
    assert page_errors.errors == []


def test_the_case_page_names_the_rule_and_the_model_version(new_page, sqlite_server, page_errors):
    """A message the learned model held and no rule saw: its case page gives the verdict,
    the rule and the model's version, as the evidence list has them."""
    from papote.safety.learned import DEFAULT_VERSION
    from tests.staff.test_case_evidence import held_by_the_model

    chat = new_page()
    pseudo = unique_pseudo("Modele")
    enter(chat, pseudo)
    say(chat, held_by_the_model())
    staff = add_staff(sqlite_server)
    console = new_page()
    _login(console, staff)
    console.locator("#queue-title").click()
    console.keyboard.press("/")
    console.keyboard.type(pseudo)
    console.keyboard.press("Enter")
    expect(console.locator("#queue-body tr")).to_have_count(1, timeout=8_000)
    console.locator("#queue-title").click()
    console.keyboard.press("Enter")
    reports = console.locator("#case-reports")
    expect(reports).to_contain_text("Verdict : retenu")
    expect(reports).to_contain_text(f"modèle {DEFAULT_VERSION}")
    assert page_errors.errors == []
