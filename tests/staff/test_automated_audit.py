"""Every automated action is in the hash-chained audit log: the pipeline's holds,
blocks and escalations of messages, and the operator's hash-list imports; the chain
still verifies (``papote audit verify``)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from tests.mediaclient import query
from tests.serverproc import ServerProcess
from tests.staffhelp import add_staff, auth, login, papote
from tests.wsclient import Client


def _audit(server: ServerProcess, action: str) -> list[dict[str, Any]]:
    rows = query(
        server, "SELECT actor, target, detail FROM audit_log WHERE action = ? ORDER BY id", action
    )
    return [{"actor": a, "target": t, "detail": json.loads(d)} for a, t, d in rows]


def _wait_audit(server: ServerProcess, action: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 5
    while len(found := _audit(server, action)) < count:
        assert time.monotonic() < deadline, (action, found)
        time.sleep(0.1)
    return found


async def test_holds_blocks_escalations_and_imports_are_audited(sqlite_server, tmp_path):
    server = sqlite_server
    admin = login(server, add_staff(server, "admin"))
    terms = {"motretenuaudit": "hold", "motbloqueaudit": "block", "motescaladeaudit": "escalate"}
    for term, action in terms.items():
        r = httpx.post(
            f"{server.url}/api/v1/admin/terms",
            headers=auth(admin),
            json={"term": term, "category": "violence", "action": action},
        )
        assert r.status_code == 201, r.text
    before = {a: len(_audit(server, f"safety.{a}")) for a in ("hold", "block", "escalate")}
    sender = await Client.enter(server)
    await sender.request({"type": "join", "room": "general"})
    replies = {}
    for term, action in terms.items():
        reply = await sender.request({"type": "say", "room": "general", "text": f"un {term} ici"})
        assert reply["type"] == "rejected", reply
        replies[action] = reply
    assert replies["hold"]["code"] == "held" and replies["block"]["code"] == "moderation"

    for action in ("hold", "block", "escalate"):
        entry = _wait_audit(server, f"safety.{action}", before[action] + 1)[-1]
        assert entry["actor"] == "system"
        detail = entry["detail"]
        assert detail["sender"] == sender.id and detail["room"] == "general"
        assert detail["action"] == action and detail["categories"] == ["violence"]
        assert detail["rule"], detail  # the rule that decided
    held = _audit(server, "safety.hold")[-1]
    # a hold's entry is written with its report: its target is the case it opened
    assert held["target"].startswith("case:")
    assert held["detail"]["message"] == replies["hold"]["message_id"]
    assert _audit(server, "safety.block")[-1]["target"].startswith("message:")

    csv = tmp_path / "liste.csv"
    csv.write_text("hash,label\n" + "ab" * 16 + ",csam\nnot-a-hash\n")
    done = papote(server, "hashlist", "import", "auditee", str(csv), "--label", "child_safety")
    assert done.returncode == 0, done.stderr
    imported = _audit(server, "hashlist.import")[-1]
    assert imported["actor"] == "operator" and imported["target"] == "hashlist:auditee"
    assert imported["detail"] == {
        "label": "child_safety",
        "source": "liste.csv",
        "read": 1,
        "added": 1,
        "skipped_lines": 1,
    }
    verified = papote(server, "audit", "verify")
    assert verified.returncode == 0 and '"ok": true' in verified.stdout, verified.stdout
    await sender.close()


async def test_a_burst_of_blocks_is_chained_in_batches(server):
    """Many refusals at once (SQLite and PostgreSQL): each has its entry, written after
    the answers in a few transactions, and the chain verifies."""
    admin = login(server, add_staff(server, "admin"))
    r = httpx.post(
        f"{server.url}/api/v1/admin/terms",
        headers=auth(admin),
        json={"term": "motrafaleaudit", "category": "spam", "action": "block"},
    )
    assert r.status_code in (201, 409), r.text
    rows_before = json.loads(papote(server, "audit", "verify").stdout)["rows"]
    sender = await Client.enter(server)
    await sender.request({"type": "join", "room": "general"})
    replies = await asyncio.gather(
        *(
            sender.request({"type": "say", "room": "general", "text": f"motrafaleaudit {i}"})
            for i in range(30)
        )
    )
    assert all(r["code"] == "moderation" for r in replies), replies
    deadline = time.monotonic() + 5
    while True:
        verified = papote(server, "audit", "verify")
        report = json.loads(verified.stdout)
        assert verified.returncode == 0 and report["ok"], verified.stdout
        if report["rows"] >= rows_before + 30:
            break
        assert time.monotonic() < deadline, report
        await asyncio.sleep(0.1)
    await sender.close()
