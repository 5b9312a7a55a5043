"""Hash lists over real uploads: a listed image, resized and recompressed, is refused
and escalated with evidence; a protected photo (StopNCII-style) is refused to anyone."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from papote.safety.media.signals import fingerprint
from tests.images import encode, photo
from tests.mediaclient import papote, query, upload, uploaded
from tests.serverproc import RELAXED, ServerProcess
from tests.staffhelp import add_staff, auth, login
from tests.wsclient import Client, enter

ENV = {
    **RELAXED,
    "PAPOTE_RATE_MEDIA": "1000/minute",
    "PAPOTE_RATE_MEDIA_DAY": "1000/day",
    "PAPOTE_HASHLIST_REFRESH_S": "0.2",
}


@pytest.fixture(scope="module")
def lists_server() -> Iterator[ServerProcess]:
    server = ServerProcess(dict(ENV)).start(timeout=120)
    yield server
    server.stop()


@pytest.fixture
def own_server() -> Iterator[ServerProcess]:
    """For the test that bans its uploader's address (the test client's)."""
    server = ServerProcess(dict(ENV)).start(timeout=120)
    yield server
    server.stop()


def _import(server: ServerProcess, tmp_path, name: str, lines: list[str], label: str) -> dict:
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n")
    out = papote(server, "hashlist", "import", name, str(path), "--label", label)
    return json.loads(out)


def _wait_listed(server: ServerProcess, token: str, data: bytes) -> None:
    """Until the running node has picked the import up (it polls the lists)."""
    deadline = time.monotonic() + 10
    while upload(server, token, data).status_code != 403:
        assert time.monotonic() < deadline, "the node never picked the list up"
        time.sleep(0.2)


async def test_resized_recompressed_copy_of_a_listed_image_is_refused_and_escalated(
    lists_server, tmp_path
):
    listed = photo(seed=21, size=(1200, 900))
    pdq = fingerprint(b"", listed).pdq
    result = _import(lists_server, tmp_path, "stopncii", [f"{pdq},ncii"], "child_safety")
    assert result["added"] == 1
    summary = [json.loads(line) for line in papote(lists_server, "hashlist", "list").splitlines()]
    assert summary == [
        {
            "name": "stopncii",
            "label": "child_safety",
            "source": "stopncii.csv",
            "created_at": summary[0]["created_at"],
            "pdq": 1,
            "md5": 0,
        }
    ]
    sharer = await Client.enter(lists_server)
    token = sharer.session["token"]
    copy = encode(listed.resize((840, 630)), "JPEG", quality=55)  # 70 %, recompressed
    _wait_listed(lists_server, token, encode(listed, "PNG"))
    refused = upload(lists_server, token, copy)
    assert refused.status_code == 403
    assert refused.json()["error"] == {
        "code": "blocked",
        "message": "Cette image ne peut pas être partagée sur Papote.",
    }
    # never stored viewable: hashes only, kept as evidence
    stored = query(lists_server, "SELECT count(*) FROM media_blobs", file="papote-media.db")
    blobs_before = stored[0][0]
    rows = query(
        lists_server,
        "SELECT id, state, evidence, md5 FROM media WHERE owner_id = ? ORDER BY created_at",
        sharer.id,
    )
    assert [r[1] for r in rows] == ["blocked", "blocked"]
    assert all(r[2] for r in rows)
    assert blobs_before == 0
    # escalated: an ncii report at the top of the queue, with hashes, distance and session
    reports = query(
        lists_server,
        "SELECT reason, priority, target_user_id, evidence FROM reports ORDER BY created_at",
    )
    reason, priority, target, evidence = reports[-1]
    assert (reason, priority, target) == ("ncii", 0, sharer.id)
    evidence = json.loads(evidence)
    assert evidence["media"]["md5"] == rows[-1][3] and len(evidence["media"]["pdq"]) == 64
    match = evidence["matches"][0]
    assert match["list"] == "stopncii" and match["label"] == "ncii"
    assert 0 < match["distance"] <= 31
    assert evidence["uploader"]["id"] == sharer.id and evidence["uploader"]["ip_hash"]
    # the report is a case in the moderators' queue, on the image, among the worst
    mod = login(lists_server, add_staff(lists_server))
    queue = httpx.get(f"{lists_server.url}/api/v1/staff/cases", headers=auth(mod)).json()
    (case,) = [c for c in queue["cases"] if c["subject"] == {"kind": "media", "id": rows[-1][0]}]
    assert case["category"] == "ncii" and case["automated"] and case["user"]["id"] == sharer.id
    assert case["priority"] <= 2 and queue["cases"][0]["priority"] <= case["priority"]
    # an unrelated photo still goes through, and the sharer was not suspended for ncii
    assert upload(lists_server, token, encode(photo(seed=22))).status_code == 201
    await sharer.close()


async def test_a_protected_photo_is_refused_to_anyone_and_never_kept(lists_server):
    owner = await enter(lists_server.url)
    mine = photo(seed=31, size=(1000, 800))
    response = upload(lists_server, owner["token"], encode(mine), path="/api/v1/media/protect")
    assert response.status_code == 201, response.text
    assert response.json() == {"protected": {"pdq": True, "md5": True}}
    # only hashes were kept: no image row, no bytes
    assert query(
        lists_server, "SELECT count(*) FROM media WHERE owner_id = ?", owner["user"]["id"]
    ) == [(0,)]
    kinds = query(lists_server, "SELECT kind, label FROM hash_entries WHERE list_name='protected'")
    assert sorted(kinds) == [("md5", "ncii"), ("pdq", "ncii")]
    # the change of the list is in the audit log, by that person, without the hashes
    audited = query(
        lists_server, "SELECT actor, target FROM audit_log WHERE action = 'hashlist.protect'"
    )
    assert audited == [(f"user:{owner['user']['id']}", "hashlist:protected")]
    # someone else tries to share it, recompressed: refused at once (same node, no wait)
    other = await enter(lists_server.url)
    copy = encode(mine.resize((700, 560)), "WEBP", quality=70)
    refused = upload(lists_server, other["token"], copy)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "blocked"
    reason = query(
        lists_server, "SELECT reason FROM reports WHERE target_user_id = ?", other["user"]["id"]
    )
    assert reason == [("ncii",)]
    assert uploaded(lists_server, other["token"], encode(photo(seed=32)))["blurred"] is False


async def test_a_child_safety_md5_match_suspends_the_uploader(own_server, tmp_path):
    lists_server = own_server
    data = encode(photo(seed=41))
    md5 = fingerprint(data, photo(seed=41)).md5
    _import(lists_server, tmp_path, "ncmec", ["hash,label", f"{md5},csam"], "child_safety")
    uploader = await Client.enter(lists_server)
    _wait_listed(lists_server, uploader.session["token"], data)
    sanction = await uploader.wait_type("sanction")
    assert sanction["action"] == "suspend" and sanction["reason"] == "child_safety"
    reason = query(lists_server, "SELECT reason, priority FROM reports")
    assert reason == [("child_safety", 0)]
