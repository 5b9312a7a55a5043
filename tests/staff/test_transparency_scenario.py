"""`papote transparency` counts what happened on a server, exactly: a scenario of
reports, notices, decisions and an appeal, then the command's JSON and HTML."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx

from tests.staff.test_cases import case_for, room_pair, say, staff_post
from tests.staffhelp import add_staff, login, papote

FLAGGER_KEY = "cle-de-signaleur-de-confiance-0123456789"


async def test_transparency_counts_match_a_scenario(fresh_server, tmp_path: Path):
    fresh_server.env["PAPOTE_TRUSTED_FLAGGERS"] = json.dumps({"asso": FLAGGER_KEY})
    server = fresh_server.start()
    first = login(server, add_staff(server))
    second = login(server, add_staff(server))
    a, b = await room_pair(server)
    one = await say(a, "general", "salut tout le monde, ça va ?")
    two = await say(a, "general", "quelqu'un a vu le match hier soir ?")
    await b.request({"type": "report", "reason": "harassment", "message": one["id"]})
    await b.request({"type": "report", "reason": "spam", "message": two["id"]})
    plain = {"url_or_id": a.user["pseudo"], "category": "hate", "explanation": "Haine."}
    assert httpx.post(f"{server.url}/api/v1/notices", json=plain).status_code == 201
    trusted = httpx.post(
        f"{server.url}/api/v1/notices",
        json={**plain, "category": "scam", "url_or_id": b.user["pseudo"]},
        headers={"X-Trusted-Flagger-Key": FLAGGER_KEY},
    )
    assert trusted.status_code == 201

    decisions = [
        (one["id"], {"action": "ban", "reason": "harassment", "duration_s": 86400}),
        (two["id"], {"action": "dismiss", "reason": "spam"}),
    ]
    for subject, body in decisions:
        case = case_for(server, first, subject)
        assert staff_post(server, first, f"/cases/{case['id']}/actions", body).status_code == 200
    notice_case = next(
        c
        for c in httpx.get(
            f"{server.url}/api/v1/staff/cases", headers={"authorization": f"Bearer {first}"}
        ).json()["cases"]
        if c["category"] == "hate"
    )
    muted = staff_post(
        server, first, f"/cases/{notice_case['id']}/actions", {"action": "warn", "reason": "hate"}
    )
    assert muted.status_code == 200
    appeal = httpx.post(
        f"{server.url}/api/v1/appeals", cookies=a.session["cookies"], json={"text": "Erreur."}
    )
    assert appeal.status_code == 201, appeal.text
    decided = staff_post(
        server, second, f"/appeals/{appeal.json()['appeal']['id']}", {"decision": "overturn"}
    )
    assert decided.status_code == 200

    today = dt.datetime.now(dt.UTC).date()
    page = tmp_path / "rapport.html"
    sor = tmp_path / "statements.jsonl"
    out = papote(
        server,
        "transparency",
        "--since",
        str(today),
        "--until",
        str(today + dt.timedelta(days=1)),
        "--html",
        str(page),
        "--statements",
        str(sor),
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["notices"] == {
        "total": 2,
        "by_category": {"hate": 1, "scam": 1},
        "trusted_flaggers": 1,
    }
    assert data["user_reports"] == {"total": 2, "by_category": {"harassment": 1, "spam": 1}}
    actions = data["actions"]
    assert actions["by_type"] == {"ban": 1, "dismiss": 1, "warn": 1}
    assert actions["by_category_and_type"] == {
        "harassment": {"ban": 1},
        "hate": {"warn": 1},
        "spam": {"dismiss": 1},
    }
    assert actions["human"] == 3 and actions["automated"] == 0 and actions["undone"] == 1
    assert actions["median_time_to_action_s"] is not None
    assert data["appeals"]["total"] == 1 and data["appeals"]["by_outcome"] == {"overturned": 1}
    # the EU transparency database's batch: the ban only (a warning restricts nothing),
    # with its fields, and nothing that identifies a person
    (batch,) = [json.loads(line) for line in sor.read_text(encoding="utf-8").splitlines()]
    (ban,) = batch["statements"]
    assert ban["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert ban["end_date_account_restriction"] == str(today + dt.timedelta(days=1))
    assert ban["category"] == "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR"
    assert ban["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert ban["puid"].startswith("s") and ban["source_type"] == "SOURCE_VOLUNTARY"
    exported = sor.read_text(encoding="utf-8")
    for personal in (a.id, a.user["pseudo"], b.id, one["text"]):
        assert personal not in exported
    html = page.read_text(encoding="utf-8")
    assert "Rapport de transparence" in html and "bannissement" in html
    for c in (a, b):
        await c.close()
